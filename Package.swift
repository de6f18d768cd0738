// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Tenure",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tenure", targets: ["tenure"]),
        .library(name: "TenureCore", targets: ["TenureCore"]),
        .library(name: "TenureStore", targets: ["TenureStore"]),
        .library(name: "TenureDocuments", targets: ["TenureDocuments"]),
        .library(name: "TenureChannels", targets: ["TenureChannels"]),
        .library(name: "TenureServer", targets: ["TenureServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // The system zlib (zlib1g-dev), for gzip and deflate request bodies.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Pure core: value types and algorithms, no I/O, Foundation only.
        .target(name: "TenureCore", swiftSettings: swiftSettings),
        // Storage protocols and their SQLite (GRDB) implementation.
        .target(
            name: "TenureStore",
            dependencies: [
                "TenureCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Documents a person edits and Tenure ships: journey files in YAML (through Yams, read as
        // the same JSON the core validates), the playbooks `tenure journeys install` saves, and
        // message templates (swift-mustache).
        .target(
            name: "TenureDocuments",
            dependencies: ["TenureCore", .product(name: "Yams", package: "Yams"), .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        // The senders that do I/O (webhooks; later SMTP and the in-app inbox), behind the core's
        // MessageChannel protocol.
        .target(
            name: "TenureChannels",
            dependencies: [
                "TenureCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP: ingestion routes, JSON API, background services.
        .target(
            name: "TenureServer",
            dependencies: [
                "TenureCore",
                "TenureStore",
                "TenureChannels",
                "TenureDocuments",
                "CZlib",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Every benchmark and its peer runner (`tenure bench`): tools, not product.
        .target(
            name: "TenureBenchmarks",
            dependencies: [
                "TenureCore",
                "TenureStore",
                "TenureChannels",
                "TenureServer",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Command-line parsing only.
        .executableTarget(
            name: "tenure",
            dependencies: [
                "TenureCore",
                "TenureStore",
                "TenureChannels",
                "TenureServer",
                "TenureBenchmarks",
                "TenureDocuments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TenureCoreTests", dependencies: ["TenureCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TenureChannelsTests", dependencies: ["TenureCore", "TenureChannels"], swiftSettings: swiftSettings),
        .testTarget(name: "TenureDocumentsTests", dependencies: ["TenureCore", "TenureDocuments"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TenureStoreTests",
            dependencies: ["TenureCore", "TenureStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenureServerTests",
            dependencies: [
                "TenureCore", "TenureStore", "TenureServer", "TenureChannels", "TenureDocuments",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenureEndToEndTests",
            dependencies: ["TenureCore", "TenureStore", "TenureServer"],
            swiftSettings: swiftSettings),
    ]
)
