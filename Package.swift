// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Compiler settings for the numeric targets (NeuralNetwork, Learners). When the building machine is
/// an x86-64 CPU with AVX2 and FMA (read from /proc/cpuinfo), code is generated for it ("haswell",
/// which this swiftc accepts where it rejects "x86-64-v3"): the eight-lane loops of the hot path
/// become single AVX instructions. `AVX2` is then defined, so code can pick thresholds that only pay
/// with those instructions. Elsewhere (no AVX2/FMA, other architectures, no /proc) nothing is added,
/// and the build runs on any CPU of its architecture. A binary built with the flag needs AVX2 and FMA.
let vectorSettings: [SwiftSetting] = {
    #if arch(x86_64)
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
    guard flags.contains("avx2") && flags.contains("fma") else { return [] }
    return [.unsafeFlags(["-target-cpu", "haswell"]), .define("AVX2")]
    #else
    return []
    #endif
}()

let package = Package(
    name: "OffPolicy",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "offpolicy", targets: ["offpolicy"]),
        .library(name: "Transitions", targets: ["Transitions"]),
        .library(name: "ReplayStore", targets: ["ReplayStore"]),
        .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Learners", targets: ["Learners"]),
        .library(name: "Training", targets: ["Training"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries. Each names its Debian package so `swift build` can say what is missing.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        .target(name: "Randomness"),
        // TransitionBatch and the Learner protocol: what the store and the learners share, with no storage dependency.
        .target(name: "Transitions", dependencies: ["Randomness"]),
        .target(name: "ReplayStore", dependencies: ["CLMDB", "CZstd", "Randomness", "Transitions"]),
        .target(name: "NeuralNetwork", dependencies: ["CBLAS", "Randomness"], swiftSettings: vectorSettings),
        .target(name: "Environments", dependencies: ["Randomness"]),
        .target(name: "Learners", dependencies: ["NeuralNetwork", "Transitions", "Randomness"], swiftSettings: vectorSettings),
        .target(name: "Training", dependencies: ["Learners", "Environments", "ReplayStore", "Transitions", "NeuralNetwork", "Randomness"]),
        .executableTarget(
            name: "offpolicy",
            dependencies: [
                "Training", "Learners", "Environments", "ReplayStore", "Transitions", "NeuralNetwork", "Randomness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: finite-difference gradient checks, and finding and running the built `offpolicy`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "ReplayStoreTests", dependencies: ["ReplayStore", "Transitions", "Randomness", "CLMDB", "CZstd", "TestSupport"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "Randomness", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "NeuralNetwork", "Transitions", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Learners", "Environments", "ReplayStore", "Transitions", "NeuralNetwork", "Randomness", "TestSupport"]),
        // What a library user writes: public API only (no @testable import), an environment of its own.
        .testTarget(name: "LibraryUsageTests", dependencies: ["Training", "Learners", "Environments", "ReplayStore", "Transitions", "Randomness"]),
    ],
    swiftLanguageModes: [.v5]
)
