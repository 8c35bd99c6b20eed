import ArgumentParser
import Learners

/// The learners' own options as `train --help` lists them, generated from the declarations in the
/// registry (`LearnerConfig.declaredOptions`), and their errors as command-line errors.
enum LearnerOptionsHelp {
    /// One entry per flag and help text, naming the learners that take it, its range and each one's default.
    static var text: String {
        var entries: [(flag: String, help: String, options: [AnyLearnerOption])] = []
        for option in Algorithms.all.flatMap({ $0.declaredOptions }) {
            if let index = entries.firstIndex(where: { $0.flag == option.flag && $0.help == option.help }) {
                entries[index].options.append(option)
            } else {
                entries.append((option.flag, option.help, [option]))
            }
        }
        let lines = entries.map { entry -> String in
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
            return "  \(entry.flag)\(value)  (\(takers))\n" + wrap(help, indent: 6, width: 78)
        }
        return "Learner options (given after the learner's name; each learner takes only its own):\n" + lines.joined(separator: "\n")
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
