import XCTest
@testable import Learners

/// The options each registered algorithm declares: each parses and lands in the config, a bad value is
/// refused with the flag's name, and an option of another algorithm is refused naming who takes it.
final class LearnerOptionTests: XCTestCase {
    /// Values of `option` other than its default in `config`, each valid on its own.
    private func values(of option: AnyLearnerOption, default current: LearnerOptionValue?) -> [LearnerOptionValue] {
        func other(_ candidates: [LearnerOptionValue]) -> [LearnerOptionValue] {
            [candidates.first { $0 != current }!]
        }
        switch option.kind {
        case .flag: return [.boolean(true)]
        case .boolean: return [.boolean(current != .boolean(true))]
        case .choice(let choices): return choices.map(LearnerOptionValue.choice)
        case .integer:
            guard case .integers(let range) = option.range else { return other([.integer(1), .integer(2)]) }
            return other([.integer(range.lowerBound), .integer(range.lowerBound + 1)])
        case .real:
            switch option.range {
            case .interval(let range): return other([.real(range.lowerBound), .real(range.upperBound)])
            case .nonNegative: return other([.real(0.25), .real(0.5)])
            default: return other([.real(0.5), .real(0.75)])
            }
        }
    }

    func testEveryDeclaredOptionLandsInTheConfig() throws {
        for type in Algorithms.all {
            for option in type.declaredOptions {
                let defaults = type.init()
                for value in values(of: option, default: option.value(in: defaults)) {
                    let arguments = option.prerequisite + [option.flag] + (option.kind == .flag ? [] : [value.description])
                    let config = try defaults.applying(arguments: arguments)
                    XCTAssertEqual(option.value(in: config), value, "\(type.algorithmName) \(arguments)")
                    let joined = option.kind == .flag ? arguments : option.prerequisite + ["\(option.flag)=\(value)"]
                    XCTAssertEqual(option.value(in: try defaults.applying(arguments: joined)), value, "\(type.algorithmName) \(joined)")
                }
            }
        }
    }

    func testBadValuesAreRefusedNamingTheFlag() throws {
        for type in Algorithms.all {
            for option in type.declaredOptions where option.kind != .flag {
                var bad: [String] = ["x"]
                switch option.range {
                case .integers(let range): bad.append("\(range.lowerBound - 1)")
                case .interval(let range): bad.append(LearnerOptionValue.real(range.upperBound + 1).description)
                case .positive: bad.append("0")
                case .nonNegative: bad.append("-1")
                case nil: break
                }
                for text in bad {
                    let arguments = option.prerequisite + [option.flag, text]
                    XCTAssertThrowsError(try type.init().applying(arguments: arguments), "\(type.algorithmName) \(arguments)") { error in
                        let sentence = "\(error)"
                        XCTAssertTrue(sentence.contains(option.flag), "\(type.algorithmName) \(arguments): \(sentence)")
                        XCTAssertFalse(sentence.contains("\n"), "one sentence: \(sentence)")
                    }
                }
            }
        }
    }

    func testAnOptionOfAnotherAlgorithmIsRefusedNamingThoseThatTakeIt() {
        let all = Algorithms.all.flatMap { $0.declaredOptions }
        for type in Algorithms.all {
            let own = Set(type.declaredOptions.map(\.flag))
            for option in all where !own.contains(option.flag) {
                XCTAssertThrowsError(try type.init().applying(arguments: [option.flag] + (option.kind == .flag ? [] : ["1"]))) { error in
                    let refusal = error as? LearnerOptionError
                    XCTAssertEqual(refusal?.flag, option.flag)
                    if case .notAnOption(_, let algorithm, let takenBy)? = refusal {
                        XCTAssertEqual(algorithm, type.algorithmName)
                        XCTAssertTrue(takenBy.contains(option.algorithm), "\(takenBy)")
                        XCTAssertEqual("\(error)", "\(option.flag) applies to \(LearnerOptionError.list(takenBy)), not to \(type.algorithmName)")
                    } else {
                        XCTFail("\(type.algorithmName) \(option.flag): \(error)")
                    }
                }
            }
        }
    }

    func testValidateNamesTheFlagOfASettingOutOfRange() {
        var sac = SACConfig()
        sac.nStep = 0
        XCTAssertThrowsError(try sac.validate()) { XCTAssertEqual("\($0)", "invalid learner configuration: --n-step must lie in 1...1000, got 0") }
        var ppo = PPOConfig()
        ppo.sdeSampleFrequency = -2
        XCTAssertThrowsError(try ppo.validate()) { XCTAssertTrue("\($0)".contains("--sde-sample-freq must lie in -1...1000000, got -2"), "\($0)") }
    }

    func testRequirementsAndCombinationsAreRefusedInOneSentence() {
        let cases: [(any LearnerConfig, [String], String)] = [
            (SACConfig(), ["--correction", "is"], "--correction corrects an n-step target: give --n-step 2 or more"),
            (SACConfig(), ["--n-step", "3", "--clip", "5"], "--clip applies to --correction is and --actor-gradient truncated-is"),
            (SACConfig(), ["--n-step", "3", "--correction", "vtrace"], "--correction takes none, is or retrace, got 'vtrace', which is a value of --correction for a2c"),
            (A2CConfig(), ["--correction", "vtrace"], "--correction corrects replayed sequences: give --replay-ratio 1 or more"),
            (A2CConfig(), ["--replay-ratio", "1", "--correction", "none", "--vtrace-lambda", "0.5"], "only --correction vtrace takes --vtrace-lambda"),
            (PPOConfig(), ["--use-sde", "false", "--sde-sample-freq", "8"], "--sde-sample-freq needs gSDE; it was turned off with --use-sde false"),
            (PPOConfig(), ["--n-envs", "1024", "--n-steps", "100000"], "--n-envs × --n-steps must be at most 10000000, got 1024 × 100000"),
            (PPOConfig(), ["--epochs"], "--epochs needs a value"),
            (BCConfig(), ["--deterministic=yes"], "--deterministic takes no value, got 'yes'"),
            (BCConfig(), ["stray"], "unexpected argument 'stray'"),
        ]
        for (config, arguments, sentence) in cases {
            XCTAssertThrowsError(try config.applying(arguments: arguments)) { XCTAssertTrue("\($0)".hasSuffix(sentence), "\(arguments): \($0)") }
        }
    }

    func testSACCorrectionOptionsComposeAsTheyDid() throws {
        let config = try SACConfig().applyingOptions(["--clip", "7", "--correction", "is", "--actor-gradient", "truncated-is", "--n-step", "2"])
        XCTAssertEqual(config.nStep, 2)
        XCTAssertEqual(config.correction, .importanceSampling(clip: 7))
        XCTAssertEqual(config.actorGradient, .truncatedImportanceSampling(clip: 7))
        let retrace = try SACConfig().applyingOptions(["--n-step", "3", "--correction", "retrace"])
        XCTAssertEqual(retrace.correction, .retrace(lambda: 1))
    }
}
