import Learners

/// The words `train` does not know itself, split into the learner's name and the learner's own
/// options. A word is a value when it follows a flag that some registered algorithm declares as
/// taking one; the first other word that is not a flag names the learner.
struct LearnerArguments {
    /// The learner's name as typed, nil when none was given.
    private(set) var algorithm: String?
    /// Everything else, in order.
    private(set) var options: [String] = []

    init(_ words: [String]) {
        let takingValues = Set(Algorithms.all.flatMap { $0.declaredOptions }.filter { $0.kind != .flag }.map(\.flag))
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word.hasPrefix("--") {
                options.append(word)
                if !word.contains("="), takingValues.contains(word), index < words.count, !words[index].hasPrefix("--") {
                    options.append(words[index])
                    index += 1
                }
            } else if algorithm == nil {
                algorithm = word
            } else {
                options.append(word)
            }
        }
    }
}
