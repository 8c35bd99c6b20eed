// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "OffPolicy",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "offpolicy", targets: ["offpolicy"]),
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
        .target(name: "ReplayStore", dependencies: ["CLMDB", "CZstd", "Randomness"]),
        // AVX2 + FMA kernels of NeuralNetwork's hot path, chosen at run time (no build flags).
        .target(name: "CVectorKernels"),
        .target(name: "NeuralNetwork", dependencies: ["CBLAS", "CVectorKernels", "Randomness"]),
        .target(name: "Environments", dependencies: ["Randomness"]),
        .target(name: "Learners", dependencies: ["NeuralNetwork", "ReplayStore", "Randomness"]),
        .target(name: "Training", dependencies: ["Learners", "Environments", "ReplayStore", "NeuralNetwork", "Randomness"]),
        .executableTarget(
            name: "offpolicy",
            dependencies: [
                "Training", "Learners", "Environments", "ReplayStore", "NeuralNetwork", "Randomness",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: finite-difference gradient checks, and finding and running the built `offpolicy`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "ReplayStoreTests", dependencies: ["ReplayStore", "Randomness", "CLMDB", "CZstd", "TestSupport"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "Randomness", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Randomness", "TestSupport"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "NeuralNetwork", "ReplayStore", "Randomness", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Learners", "Environments", "ReplayStore", "Randomness", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
