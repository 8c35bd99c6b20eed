import ArgumentParser
import Datasets
import Foundation

struct DatasetInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Transitions, episodes, return statistics, behavior log-probabilities and sizes of a dataset.")

    @Argument(help: "A D4RL HDF5 file, a Minari dataset directory, or a replay store directory.") var path: String
    @Flag(help: "Print one JSON object as the last line.") var json = false

    func run() throws {
        let summary = try withCleanErrors { DatasetSummary(try LoggedDataset.read(from: path)) }
        if json {
            print(try jsonLine(summary))
            return
        }
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        print("dataset            \(path) (\(summary.format.rawValue))")
        if let environment = summary.environmentID { print("environment        \(environment)") }
        print("transitions        \(summary.transitions)" + (summary.importedTransitions < summary.transitions
              ? " (an import keeps \(summary.importedTransitions): see the note)" : ""))
        print("episodes           \(summary.episodes)")
        print("return             mean \(number(summary.returnMean)), std \(number(summary.returnStd)), min \(number(summary.returnMin)), max \(number(summary.returnMax))")
        print("behavior log-probs \(summary.hasBehaviorLogProbabilities ? "present" : "absent")")
        print("observation size   \(summary.observationSize)")
        print("action size        \(summary.actionSize)")
        for note in summary.notes { print("note: \(note)") }
    }
}
