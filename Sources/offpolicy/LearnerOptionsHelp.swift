import ArgumentParser
import Learners

/// The learners' own options as `train --help` lists them, generated from the declarations in the
/// registry (`LearnerConfig.declaredOptions`), and their errors as command-line errors.
enum LearnerOptionsHelp {
    /// The learners' own options by family (off-policy, offline, on-policy), each family headed by its
    /// learners: one entry per flag and help text, naming the learners that take it, its range and each
    /// one's default. Lines are at most `width` characters: `train --help` indents them by 8 more and
    /// rewraps a line that reaches 72 on an 80-column screen.
    static func text(width: Int = 71) -> String {
        let families: [(name: String, members: [any LearnerConfig.Type])] = [
            ("Off-policy learners", Algorithms.all.filter { !$0.isOnPolicy && !$0.requiresDataset && !$0.isOfflineFirst }),
            ("Offline learners", Algorithms.all.filter { $0.requiresDataset || $0.isOfflineFirst }),
            ("On-policy learners", Algorithms.all.filter { $0.isOnPolicy }),
        ]
        return families.filter { !$0.members.isEmpty }.map { family in
            let heading = "\(family.name) (\(family.members.map { $0.algorithmName }.joined(separator: ", "))):"
            let lines = entries(of: family.members.flatMap { $0.declaredOptions }).map { entry -> String in
                let first = entry.options[0]
                let value = first.valueName.isEmpty ? "" : " <\(first.valueName)>"
                var help = entry.help
                if let range = first.range { help += " Range: \(range)." }
                let defaults = entry.options.compactMap { option in option.defaultDescription.map { (option.algorithm, $0) } }
                if let common = defaults.first?.1, defaults.allSatisfy({ $0.1 == common }) {
                    help += " Default: \(common)."
                } else if !defaults.isEmpty {
                    help += " Default: " + defaults.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "."
                }
                let takers = entry.options.map(\.algorithm).joined(separator: ", ")
                return "  \(entry.flag)\(value)  (\(takers))\n" + wrap(help, indent: 6, width: width)
            }
            return ([heading] + (lines.isEmpty ? ["  (none of their own)"] : lines)).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// `options` with those of one flag and help text together, in their order of declaration.
    private static func entries(of options: [AnyLearnerOption]) -> [(flag: String, help: String, options: [AnyLearnerOption])] {
        var entries: [(flag: String, help: String, options: [AnyLearnerOption])] = []
        for option in options {
            if let index = entries.firstIndex(where: { $0.flag == option.flag && $0.help == option.help }) {
                entries[index].options.append(option)
            } else {
                entries.append((option.flag, option.help, [option]))
            }
        }
        return entries
    }

    /// `body`'s result; a refused learner option or setting becomes a `ValidationError` with its sentence.
    static func refusingAsValidationError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as LearnerOptionError {
            throw ValidationError(error.description)
        } catch LearnerError.invalidConfiguration(let message) {
            throw ValidationError(message)
        }
    }

    /// `text` broken into lines of at most `width` characters, each indented by `indent` spaces.
    private static func wrap(_ text: String, indent: Int, width: Int) -> String {
        let margin = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && margin.count + line.count + 1 + word.count > width {
                lines.append(margin + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(margin + line) }
        return lines.joined(separator: "\n")
    }
}
