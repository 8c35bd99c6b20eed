// swift-tools-version:6.1
// The Reverb client: a companion package, so that the core package's build stays as it is for users
// who do not talk to a Reverb server. It depends on the core package by path for `Transitions`.
import PackageDescription

let package = Package(
    name: "OffPolicyReverb",
    // grpc-swift-2 is available from macOS 15 on.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ReverbClient", targets: ["ReverbClient"]),
        .library(name: "ReverbTraining", targets: ["ReverbTraining"]),
        // `offpolicy actor` and `offpolicy train --replay reverb://…` run this (the core CLI finds it next to itself or on PATH).
        .executable(name: "offpolicy-reverb", targets: ["offpolicy-reverb"]),
    ],
    dependencies: [
        .package(name: "OffPolicy", path: ".."),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // The core package's own dependency, for offpolicy-reverb's command line.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Debian's libsnappy-dev: Reverb compresses tensor contents with snappy.
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        // Swift code generated from Reverb's and TensorFlow's protos by scripts/generate-reverb-protos (committed).
        .target(
            name: "ReverbProtos",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            exclude: ["ORIGINS.md"]
        ),
        .target(
            name: "ReverbClient",
            dependencies: [
                "CSnappy", "ReverbProtos",
                .product(name: "Transitions", package: "OffPolicy"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]
        ),
        // A distributed run's two sides over the client: the learner's replay (a TransitionStore over a Reverb table) and
        // weights publisher, and the actor that acts with the published weights and inserts its transitions.
        .target(
            name: "ReverbTraining",
            dependencies: [
                "ReverbClient",
                .product(name: "Training", package: "OffPolicy"),
                .product(name: "TrainingRuns", package: "OffPolicy"),
                .product(name: "Learners", package: "OffPolicy"),
                .product(name: "Environments", package: "OffPolicy"),
                .product(name: "NeuralNetwork", package: "OffPolicy"),
                .product(name: "Randomness", package: "OffPolicy"),
                .product(name: "RunFiles", package: "OffPolicy"),
                .product(name: "Transitions", package: "OffPolicy"),
            ]
        ),
        .executableTarget(
            name: "offpolicy-reverb",
            dependencies: [
                "ReverbClient", "ReverbTraining",
                .product(name: "Training", package: "OffPolicy"),
                .product(name: "TrainingRuns", package: "OffPolicy"),
                .product(name: "Learners", package: "OffPolicy"),
                .product(name: "Environments", package: "OffPolicy"),
                .product(name: "RunFiles", package: "OffPolicy"),
                .product(name: "Transitions", package: "OffPolicy"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Throughput against a running server (scripts/bench-reverb runs it beside Reverb's Python client).
        .executableTarget(name: "reverb-bench", dependencies: ["ReverbClient", .product(name: "Transitions", package: "OffPolicy")]),
        .testTarget(
            name: "ReverbClientTests",
            dependencies: [
                "ReverbClient", "ReverbProtos", "ReverbTraining",
                .product(name: "Transitions", package: "OffPolicy"),
                .product(name: "Learners", package: "OffPolicy"),
                .product(name: "Randomness", package: "OffPolicy"),
                .product(name: "RunFiles", package: "OffPolicy"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
