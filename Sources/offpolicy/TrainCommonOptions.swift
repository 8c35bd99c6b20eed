import ArgumentParser

/// The `train` options every learner takes: network widths, batch, learning rate, discount.
struct TrainCommonOptions: ParsableArguments {
    @Option(help: "Hidden layer widths, comma-separated (default: the learner's: SAC 256,256; TD3 and DDPG 400,300).")
    var hidden: String?

    @Option(parsing: .unconditional, help: "Transitions per gradient step (default: the learner's, 256; ppo: the minibatch, 64).")
    var batch: Int?

    @Option(parsing: .unconditional, help: "Adam learning rate (default: the learner's: SAC 3e-4; TD3 and DDPG 1e-3).")
    var lr: Double?

    @Option(parsing: .unconditional, help: "Discount γ of any learner. Default: the learner's (ppo 0.9, RL Zoo's Pendulum; the others 0.99).")
    var gamma: Double?
}
