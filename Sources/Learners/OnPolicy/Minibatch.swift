/// Rows of a prepared rollout gathered for one gradient step, advantages normalised when asked
/// ((Â − mean)/(std + 1e-8) over the minibatch, std with Bessel's correction as `torch.std`; a
/// minibatch of one row is left as it is, as Stable-Baselines3 does).
struct Minibatch {
    var rows: Int
    var input: [Float]
    var actions: [Float]
    var advantages: [Double]
    var returns: [Double]
    var oldLogProbabilities: [Double]
    var oldValues: [Double]

    init<Rows: Collection<Int>>(_ prepared: PreparedRollout, rows indices: Rows, observationSize: Int, actionSize: Int,
                                normalizeAdvantages: Bool) {
        rows = indices.count
        input = []; input.reserveCapacity(rows * observationSize)
        actions = []; actions.reserveCapacity(rows * actionSize)
        advantages = []; returns = []; oldLogProbabilities = []; oldValues = []
        for i in indices {
            input.append(contentsOf: prepared.input[(i * observationSize)..<((i + 1) * observationSize)])
            actions.append(contentsOf: prepared.actions[(i * actionSize)..<((i + 1) * actionSize)])
            advantages.append(prepared.advantages[i])
            returns.append(prepared.returns[i])
            oldLogProbabilities.append(prepared.logProbabilities[i])
            oldValues.append(prepared.values[i])
        }
        if normalizeAdvantages && rows > 1 {
            let mean = advantages.reduce(0, +) / Double(rows)
            let std = (advantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(rows - 1)).squareRoot()
            advantages = advantages.map { ($0 - mean) / (std + 1e-8) }
        }
    }
}
