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
    ],
    dependencies: [
        .package(name: "OffPolicy", path: ".."),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
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
        // Throughput against a running server (scripts/bench-reverb runs it beside Reverb's Python client).
        .executableTarget(name: "reverb-bench", dependencies: ["ReverbClient", .product(name: "Transitions", package: "OffPolicy")]),
        .testTarget(
            name: "ReverbClientTests",
            dependencies: [
                "ReverbClient", "ReverbProtos",
                .product(name: "Transitions", package: "OffPolicy"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
