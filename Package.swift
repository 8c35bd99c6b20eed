// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "OffPolicy",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "offpolicy", targets: ["offpolicy"]),
        .library(name: "Randomness", targets: ["Randomness"]),
        .library(name: "Transitions", targets: ["Transitions"]),
        .library(name: "ReplayStore", targets: ["ReplayStore"]),
        .library(name: "NeuralNetwork", targets: ["NeuralNetwork"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "GymBridge", targets: ["GymBridge"]),
        .library(name: "Learners", targets: ["Learners"]),
        .library(name: "RunFiles", targets: ["RunFiles"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "TrainingRuns", targets: ["TrainingRuns"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Comparison", targets: ["Comparison"]),
        .library(name: "OffPolicyEvaluation", targets: ["OffPolicyEvaluation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (scripts/docs builds every DocC catalog).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
    ],
    targets: [
        // System libraries. Each names its Debian package so `swift build` can say what is missing.
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Debian's libhdf5-dev installs hdf5-serial.pc (and hdf5.pc as an alternative that may point at an MPI build).
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),

        .target(name: "Randomness"),
        // TransitionBatch, the struct-of-arrays rows the store hands out and the learners learn from, and the two
        // seams of a training loop: where its transitions go (TransitionSink) and where its batches come from (TransitionSampler).
        .target(name: "Transitions", dependencies: ["Randomness"]),
        .target(name: "ReplayStore", dependencies: ["CLMDB", "CZstd", "Randomness", "Transitions"]),
        // AVX2 + FMA kernels of NeuralNetwork's hot path, chosen at run time (no build flags).
        .target(name: "CVectorKernels"),
        .target(name: "NeuralNetwork", dependencies: ["CBLAS", "CVectorKernels", "Randomness"]),
        .target(name: "Environments", dependencies: ["Randomness"]),
        // Any Gymnasium environment with Box spaces, through a child Python process (`--env gym:ID`).
        .target(name: "GymBridge", dependencies: ["Environments", "Randomness"]),
        .target(name: "Learners", dependencies: ["NeuralNetwork", "Transitions", "Randomness"]),
        // D4RL and Minari HDF5 datasets in and out of replay stores.
        .target(name: "Datasets", dependencies: ["ReplayStore", "Transitions", "CHDF5"]),
        // A run directory's file layout (RunDirectory), its progress rows and its lock: what training writes and comparison reads.
        .target(name: "RunFiles"),
        // TensorBoard event files: TFRecord framing with CRC-32C, and the few Event and Summary fields scalars need,
        // encoded by hand (no protobuf runtime; see Sources/TensorBoardEvents/README.md for why).
        .target(name: "TensorBoardEvents", dependencies: ["RunFiles"], exclude: ["README.md"]),
        // The run core and the two loops; any Environment, Learner and transition sampler and sink.
        .target(name: "Training", dependencies: ["Learners", "Environments", "Transitions", "NeuralNetwork", "Randomness", "RunFiles", "TensorBoardEvents"]),
        // The CLI's wiring of a run: environments by name (Gymnasium ones through GymBridge), the real ReplayStore, learners from the registry.
        .target(name: "TrainingRuns", dependencies: ["Training", "RunFiles", "Learners", "Environments", "GymBridge", "ReplayStore", "Transitions", "Randomness"]),
        // Comparing learners: learning curves, bootstrap statistics, the summary table, the SVG chart, running the runs.
        .target(name: "Comparison", dependencies: ["RunFiles", "Randomness"]),
        // Off-policy evaluation: IS, WIS, PDIS, WPDIS, FQE, DR and WDR estimates of a policy's return from logged episodes.
        .target(name: "OffPolicyEvaluation", dependencies: ["Learners", "Datasets", "NeuralNetwork", "Transitions", "Randomness", "Comparison"]),
        .executableTarget(
            name: "offpolicy",
            dependencies: [
                "Comparison", "Training", "TrainingRuns", "RunFiles", "Learners", "Environments", "GymBridge", "ReplayStore", "Transitions", "NeuralNetwork", "Randomness", "Datasets", "OffPolicyEvaluation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by the test targets: finite-difference gradient checks, and finding and running the built `offpolicy`.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
        .testTarget(name: "ReplayStoreTests", dependencies: ["ReplayStore", "Transitions", "Randomness", "CLMDB", "CZstd", "TestSupport"]),
        .testTarget(name: "NeuralNetworkTests", dependencies: ["NeuralNetwork", "Randomness", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "GymBridgeTests", dependencies: ["GymBridge", "Environments", "Training", "TrainingRuns", "RunFiles", "ReplayStore", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "NeuralNetwork", "Transitions", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TensorBoardEvents", "TrainingRuns", "RunFiles", "Learners", "Environments", "ReplayStore", "Transitions", "NeuralNetwork", "Randomness", "TestSupport"]),
        .testTarget(name: "TensorBoardEventsTests", dependencies: ["TensorBoardEvents", "TestSupport"]),
        .testTarget(name: "ComparisonTests", dependencies: ["Comparison", "Randomness", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "ReplayStore", "Transitions", "CHDF5", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "OffPolicyEvaluationTests", dependencies: ["OffPolicyEvaluation", "Learners", "Datasets", "NeuralNetwork", "Transitions", "Randomness", "TestSupport"]),
        // What a library user writes: public API only (no @testable import), an environment of its own.
        .testTarget(name: "LibraryUsageTests", dependencies: ["Training", "TrainingRuns", "RunFiles", "Learners", "Environments", "ReplayStore", "Transitions", "Randomness"]),
    ],
    swiftLanguageModes: [.v5]
)
