import Comparison
import Foundation
import XCTest

/// `--normalize`'s reference returns: D4RL's table, the score against hand-worked values, the three
/// forms and every refusal's sentence.
final class ScoreNormalizationTests: XCTestCase {
    private let noDatasets: (String) throws -> Double = { XCTFail("no dataset is read for \($0)"); return 0 }

    private func normalization(_ text: String, environment: String? = nil) throws -> ScoreNormalization {
        try ScoreReference(parsing: text).normalization(environment: environment, meanReturn: noDatasets)
    }

    /// The sentence `body` throws.
    private func refusal(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "(nothing thrown)"
        } catch {
            return "\(error)"
        }
    }

    func testD4RLTasksAreFoundFromAnyVersionOfTheirEnvironment() throws {
        // REF_MIN_SCORE and REF_MAX_SCORE of d4rl/infos.py.
        XCTAssertEqual(D4RLReferenceReturns.tasks.map(\.name), ["halfcheetah", "hopper", "walker2d"])
        XCTAssertEqual(D4RLReferenceReturns.tasks.map(\.randomReturn), [-280.178953, -20.272305, 1.629008])
        XCTAssertEqual(D4RLReferenceReturns.tasks.map(\.expertReturn), [12135.0, 3234.3, 4592.3])
        let found = ["gym:HalfCheetah-v5", "HalfCheetah-v4", "gym:Hopper-v3", "gym:Walker2d-v5", "gym:some.module:Hopper-v12"]
            .map { D4RLReferenceReturns.task(forEnvironment: $0)?.name }
        XCTAssertEqual(found, ["halfcheetah", "halfcheetah", "hopper", "walker2d", "hopper"])
        for other in ["Pendulum-v1", "gym:Hopper", "gym:Hopper-v", "gym:Hopper-vx", "gym:hopper-v5", "gym:HopperX-v5", "gym:Ant-v5"] {
            XCTAssertNil(D4RLReferenceReturns.task(forEnvironment: other), other)
        }
    }

    func testScoresAgainstHandWorkedValues() throws {
        // 100 · (1000 + 280.178953) / (12135 + 280.178953) = 10.3114015339316390117925…
        let cheetah = try normalization("d4rl", environment: "gym:HalfCheetah-v5")
        XCTAssertEqual(cheetah.score(1000), 10.311401533931639, accuracy: 1e-12)
        XCTAssertEqual(cheetah.score(-280.178953), 0)
        XCTAssertEqual(cheetah.score(12135), 100)
        // 100 · (1500 + 20.272305) / (3234.3 + 20.272305) = 46.7118921482987301…; a std of 50 scales to
        // 100 · 50 / 3254.572305 = 1.5363001744710047…
        let hopper = try normalization("d4rl", environment: "gym:Hopper-v5")
        XCTAssertEqual(hopper.score(1500), 46.711892148298730, accuracy: 1e-12)
        XCTAssertEqual(hopper.scoreSpread(50), 1.5363001744710047, accuracy: 1e-14)
        // 100 · (3000 − 1.629008) / (4592.3 − 1.629008) = 65.3144387220333388…
        XCTAssertEqual(try normalization("d4rl", environment: "Walker2d-v4").score(3000), 65.314438722033339, accuracy: 1e-12)
        // An expert below the random reference: the score still maps random to 0 and expert to 100, and a
        // spread stays positive.
        let falling = try normalization("10,-10")
        XCTAssertEqual([falling.score(10), falling.score(0), falling.score(-10), falling.score(-30)], [0, 50, 100, 200])
        XCTAssertEqual(falling.scoreSpread(4), 20)
    }

    func testEachFormNamesItsReference() throws {
        XCTAssertEqual(try ScoreReference(parsing: "d4rl"), .d4rl)
        XCTAssertEqual(try ScoreReference(parsing: " D4RL "), .d4rl)
        XCTAssertEqual(try ScoreReference(parsing: "-280.178953,12135"), .returns(random: -280.178953, expert: 12135))
        XCTAssertEqual(try ScoreReference(parsing: " -1 , 2.5 "), .returns(random: -1, expert: 2.5))
        XCTAssertEqual(try ScoreReference(parsing: "random.hdf5,runs/expert-minari"), .datasets(random: "random.hdf5", expert: "runs/expert-minari"))

        let hopper = try normalization("d4rl", environment: "gym:Hopper-v5")
        XCTAssertEqual([hopper.randomReturn, hopper.expertReturn], [-20.272305, 3234.3])
        XCTAssertEqual(hopper.label, "D4RL hopper")
        XCTAssertEqual(hopper.description, "D4RL's hopper returns (random -20.27, expert 3234.3)")
        let cheetah = try normalization("d4rl", environment: "gym:HalfCheetah-v5")
        XCTAssertEqual(cheetah.description, "D4RL's halfcheetah returns (random -280.18, expert 12135)")

        let given = try normalization("-1200.5,-150")
        XCTAssertEqual([given.randomReturn, given.expertReturn], [-1200.5, -150])
        XCTAssertEqual(given.label, "returns -1200.5 and -150")
        XCTAssertEqual(given.description, "the given returns (random -1200.5, expert -150)")

        // Two datasets: their mean returns, read by the reader given, only for paths that exist.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("score-reference-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (random, expert) = (folder.appendingPathComponent("A.hdf5").path, folder.appendingPathComponent("B").path)
        XCTAssertTrue(FileManager.default.createFile(atPath: random, contents: Data()))
        try FileManager.default.createDirectory(atPath: expert, withIntermediateDirectories: false)
        let means = [random: -280.2, expert: 2410.5]
        var asked: [String] = []
        let datasets = try ScoreReference(parsing: "\(random),\(expert)").normalization(environment: "Pendulum-v1") { path in
            asked.append(path)
            return means[path]!
        }
        XCTAssertEqual(asked, [random, expert])
        XCTAssertEqual([datasets.randomReturn, datasets.expertReturn], [-280.2, 2410.5])
        XCTAssertEqual(datasets.label, "mean returns of \(random) and \(expert)")
        XCTAssertEqual(datasets.description, "the mean returns of \(random) (-280.2) and \(expert) (2410.5)")
        XCTAssertEqual(datasets.score(1065.15), 50, accuracy: 1e-12, "halfway between the two means")
    }

    func testEveryRefusalIsOneSentence() throws {
        let forms = "--normalize takes d4rl, two returns RANDOM,EXPERT or two dataset paths RANDOM_DATASET,EXPERT_DATASET; got "
        for text in ["", "d4", "1,2,3", "1,", ",b.hdf5"] {
            XCTAssertEqual(refusal { try ScoreReference(parsing: text) }, forms + "'\(text)'")
        }
        XCTAssertEqual(refusal { try ScoreReference(parsing: "-20,expert.hdf5") },
                       "--normalize '-20,expert.hdf5' mixes a return and a dataset path; give two returns or two dataset paths")
        XCTAssertEqual(refusal { try ScoreReference(parsing: "nan,1") }, "--normalize: the random return nan is not a finite number")
        XCTAssertEqual(refusal { try ScoreReference(parsing: "1,inf") }, "--normalize: the expert return inf is not a finite number")
        XCTAssertEqual(refusal { try ScoreReference(parsing: "3234.3,3234.30") },
                       "--normalize: the random and expert returns are both 3234.3, so they cannot scale a score")
        XCTAssertEqual(refusal { try ScoreNormalization(randomReturn: -5, expertReturn: -5, label: "", description: "") },
                       "--normalize: the random and expert returns are both -5, so they cannot scale a score")

        let otherForms = "give two returns as --normalize RANDOM,EXPERT or two datasets as --normalize RANDOM_DATASET,EXPERT_DATASET"
        XCTAssertEqual(refusal { try self.normalization("d4rl", environment: "Pendulum-v1") },
                       "--normalize d4rl: D4RL has no reference returns for Pendulum-v1 (only for HalfCheetah, Hopper and Walker2d); " + otherForms)
        XCTAssertEqual(refusal { try self.normalization("d4rl", environment: "gym:Ant-v5") },
                       "--normalize d4rl: D4RL has no reference returns for gym:Ant-v5 (only for HalfCheetah, Hopper and Walker2d); " + otherForms)
        XCTAssertEqual(refusal { try self.normalization("d4rl", environment: nil) },
                       "--normalize d4rl: the runs do not name one environment; " + otherForms)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("score-refusals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let present = folder.appendingPathComponent("present.hdf5").path, absent = folder.appendingPathComponent("absent.hdf5").path
        XCTAssertTrue(FileManager.default.createFile(atPath: present, contents: Data()))
        let equalMeans = try ScoreReference(parsing: "\(present),\(present)")
        XCTAssertEqual(refusal { try equalMeans.normalization(environment: nil) { _ in 7.5 } },
                       "--normalize: the random and expert returns are both 7.5, so they cannot scale a score")
        XCTAssertEqual(refusal { try self.normalization("\(present),\(absent)") },
                       "--normalize: the expert dataset '\(absent)' does not exist")
        XCTAssertEqual(refusal { try self.normalization("\(absent),\(present)") },
                       "--normalize: the random dataset '\(absent)' does not exist")
        struct Unreadable: Error, CustomStringConvertible { var description: String { "not an HDF5 file" } }
        XCTAssertEqual(refusal { try ScoreReference(parsing: "\(present),\(present)").normalization(environment: nil) { _ in throw Unreadable() } },
                       "--normalize: the random dataset '\(present)' cannot be read: not an HDF5 file")
    }

    func testShortNumbersKeepAtMostTwoDecimals() {
        XCTAssertEqual([-20.272305, 3234.3, 12135, -280.178953, 1.629008, -0.001, 0.005].map(ScoreNormalization.shortNumber),
                       ["-20.27", "3234.3", "12135", "-280.18", "1.63", "0", "0.01"])
    }

    func testANormalisedCurveKeepsItsStepsAndItsNonFiniteFinal() {
        let given = try! normalization("-1000,0")
        let curve = LearningCurve(algorithm: "sac", seed: 3, points: [CurvePoint(steps: 100, value: -900), CurvePoint(steps: 200, value: -150)],
                                  nonFiniteFinal: CurvePoint(steps: 300, value: .nan), offline: true)
        let scored = curve.normalized(by: given)
        XCTAssertEqual(scored.points, [CurvePoint(steps: 100, value: 10), CurvePoint(steps: 200, value: 85)])
        XCTAssertEqual(scored.nonFiniteFinal?.steps, 300)
        XCTAssertTrue(scored.nonFiniteFinal?.value.isNaN ?? false)
        XCTAssertEqual([scored.algorithm, "\(scored.seed)", "\(scored.offline)"], ["sac", "3", "true"])
    }
}
