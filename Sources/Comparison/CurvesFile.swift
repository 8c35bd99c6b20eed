import Foundation
import RunFiles

/// `curves.csv`: one row per evaluation of every run, `algo,seed,env_steps,eval_return`, ordered by
/// algorithm (in the order given), seed and steps. Returns are written in their shortest
/// round-tripping form. When any run trained offline the header is `offlineHeader`: the third column
/// is `steps` and a fifth, `axis`, says per row what it counts (`env_steps` or `updates`). In a
/// comparison over several tasks, every curve has a task and a last column `task` names it.
public enum CurvesFile {
    public static let header = "algo,seed,env_steps,eval_return"
    public static let offlineHeader = "algo,seed,steps,eval_return,axis"

    public static func text(_ curves: [LearningCurve]) -> String {
        let withAxis = curves.contains(where: \.offline)
        let withTask = curves.contains { $0.task != nil }
        var text = (withAxis ? offlineHeader : header) + (withTask ? ",task" : "") + "\n"
        for curve in curves {
            for point in curve.points + (curve.nonFiniteFinal.map { [$0] } ?? []) {
                text += "\(curve.algorithm),\(curve.seed),\(point.steps),\(point.value)"
                    + (withAxis ? (curve.offline ? ",updates" : ",env_steps") : "")
                    + (withTask ? "," + (curve.task ?? "") : "") + "\n"
            }
        }
        return text
    }

    public static func write(_ curves: [LearningCurve], to file: URL) throws {
        try Data(text(curves).utf8).write(to: file, options: .atomic)
    }

    /// The curves of a file `write` wrote, in the order of their first rows.
    public static func read(from file: URL) throws -> [LearningCurve] {
        let text: String
        do {
            guard let contents = try SmallFile.text(of: file) else { throw ComparisonError.unreadable(file.path, "it does not exist") }
            text = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw ComparisonError.unreadable(path, reason)
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let headers = [header, offlineHeader, header + ",task", offlineHeader + ",task"]
        guard let first = lines.first, headers.contains(first) else {
            throw ComparisonError.unreadable(file.path, "the header is not '\(header)' or '\(offlineHeader)' (either may end in ',task')")
        }
        let withAxis = first.hasPrefix(offlineHeader)
        let withTask = first.hasSuffix(",task")
        let expected = first
        var curves: [LearningCurve] = []
        for (index, line) in lines.dropFirst().enumerated() {
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // The task, an environment id without commas, is the last field.
            let task = withTask && fields.count == (withAxis ? 6 : 5) ? fields.removeLast() : nil
            guard !withTask || task?.isEmpty == false, fields.count == (withAxis ? 5 : 4), !fields[0].isEmpty, let seed = UInt64(fields[1]), let steps = Int(fields[2]),
                  let value = Double(fields[3]), !withAxis || fields[4] == "updates" || fields[4] == "env_steps" else {
                throw ComparisonError.unreadable(file.path, "line \(index + 2) is not '\(expected)'")
            }
            let offline = withAxis && fields[4] == "updates"
            let point = CurvePoint(steps: steps, value: value)
            if let last = curves.indices.last, curves[last].algorithm == fields[0], curves[last].seed == seed,
               curves[last].offline == offline, curves[last].task == task {
                guard steps > (curves[last].nonFiniteFinal ?? curves[last].points.last!).steps else {
                    throw ComparisonError.unreadable(file.path, "line \(index + 2): steps do not increase within a run")
                }
                // A non-finite evaluation counts only as the run's last one.
                curves[last].nonFiniteFinal = value.isFinite ? nil : point
                if value.isFinite { curves[last].points.append(point) }
            } else {
                curves.append(LearningCurve(algorithm: fields[0], seed: seed, points: value.isFinite ? [point] : [],
                                            nonFiniteFinal: value.isFinite ? nil : point, offline: offline, task: task))
            }
        }
        return curves
    }
}
