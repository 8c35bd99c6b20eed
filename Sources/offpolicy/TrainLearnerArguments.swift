import ArgumentParser
import Learners

/// The learner `train` runs and its own options, which each learner declares (`LearnerConfig.options`);
/// `train --help` lists them by family after the general options.
struct TrainLearnerArguments: ParsableArguments {
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp(
        "The learner (\(Algorithms.names.joined(separator: ", ")); not needed with --resume) and its own options, listed below by family; each learner takes only those it declares.",
        discussion: LearnerOptionsHelp.text(),
        valueName: "algorithm> <learner-options"))
    var words: [String] = []
}
