// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "planwatch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "planwatch", targets: ["planwatch"]),
        .library(name: "ImprovementPlan", targets: ["ImprovementPlan"]),
        .library(name: "PlanStore", targets: ["PlanStore"]),
        .library(name: "PlanFormats", targets: ["PlanFormats"]),
        .library(name: "PlanHTML", targets: ["PlanHTML"]),
        .executable(name: "planwatch-serve", targets: ["planwatch-serve"]),
        .executable(name: "planwatch-postgres", targets: ["planwatch-postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // SQL migrations of each engine (sqlite/, postgres/), embedded in the binary.
        .target(
            name: "Schema",
            path: "Schema",
            exclude: ["README.md"],
            resources: [
                .embedInCode("sqlite/0001_initial.sql"),
                .embedInCode("sqlite/0002_audit_deletions.sql"),
                .embedInCode("sqlite/0003_case_blind_filters.sql"),
                .embedInCode("sqlite/0004_checks_without_lists.sql"),
                .embedInCode("sqlite/0005_unused_action_indexes.sql"),
                .embedInCode("sqlite/0006_dated_plan_and_inspection_changes.sql"),
                .embedInCode("sqlite/0007_dated_self_assessment.sql"),
                .embedInCode("sqlite/0008_outcome_measures.sql"),
                .embedInCode("sqlite/0009_accounts.sql"),
                .embedInCode("sqlite/0010_server_records.sql"),
                .embedInCode("sqlite/0011_derived_last_update.sql"),
                .embedInCode("sqlite/0012_derived_partnership.sql"),
                .embedInCode("postgres/pg0001_initial.sql"),
                .embedInCode("postgres/pg0002_derived_partnership.sql"),
            ]
        ),
        // Seed plan files, embedded so `planwatch demo` works from an installed binary.
        .target(
            name: "Seeds",
            path: "seeds",
            exclude: ["README.md"],
            resources: [
                .embedInCode("dundee-2021.json"),
                .embedInCode("west-dunbartonshire-2022.json"),
                .embedInCode("glasgow-city.json"),
                .embedInCode("stirling.json"),
                .embedInCode("inverclyde-2017.json"),
            ]
        ),
        .target(name: "ImprovementPlan"),
        // SQLite's process-wide settings that only C can make (sqlite3_config is variadic).
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "PlanStore",
            dependencies: [
                "ImprovementPlan", "Schema", "CSQLiteTuning",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // bcrypt alone (a C target of its own): the store does not pull in the server.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The PostgreSQL engine: connection, migrations and copying a whole database between engines.
        .target(
            name: "PlanPostgres",
            dependencies: [
                "ImprovementPlan", "PlanStore", "Schema",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "PlanFormats", dependencies: [
            "ImprovementPlan", .product(name: "CSV", package: "CSV.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
        // HTML pages and SVG charts, from Mustache templates; only this target pulls the template library.
        .target(
            name: "PlanHTML",
            dependencies: ["ImprovementPlan", "PlanFormats", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.embedInCode("Templates/page.mustache"), .embedInCode("Templates/dashboard.mustache"),
                        .embedInCode("Templates/tables.mustache"), .embedInCode("Templates/ragbar.mustache"),
                        .embedInCode("Templates/actions.mustache"), .embedInCode("Templates/style.css"),
                        .embedInCode("Templates/app.mustache"), .embedInCode("Templates/app.css")]
        ),
        .target(
            name: "PlanWatchCLI",
            dependencies: [
                "ImprovementPlan", "PlanStore", "PlanFormats", "PlanHTML", "Seeds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "planwatch", dependencies: ["PlanWatchCLI"]),
        // The web server: its own target and executable, so the CLI builds without Hummingbird's weight;
        // `planwatch serve` runs the `planwatch-serve` built beside it.
        .target(
            name: "PlanServer",
            dependencies: [
                "ImprovementPlan", "PlanStore", "PlanFormats", "PlanHTML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                // The return upload form (multipart/form-data), and the digest that ties its confirmation to its preview.
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The PostgreSQL engine's commands: their own executable, so the command-line tool neither links
        // SwiftNIO nor scans its conformances at every start; `planwatch copy` runs `planwatch-postgres` beside it.
        .executableTarget(name: "planwatch-postgres", dependencies: [
            "PlanPostgres", "PlanFormats", "PlanWatchCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "planwatch-serve", dependencies: [
            "PlanServer", "PlanStore", "PlanPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ImprovementPlanTests", dependencies: ["ImprovementPlan"]),
        .testTarget(name: "PlanHTMLTests", dependencies: ["PlanHTML", "ImprovementPlan", "PlanFormats"]),
        // What the test suites share: the throwaway PostgreSQL server each engine's tests run against.
        .target(name: "PlanTestSupport", dependencies: ["PlanPostgres", "PlanStore"], path: "Tests/Support"),
        .testTarget(name: "PlanStoreTests", dependencies: ["PlanStore", "ImprovementPlan", "PlanPostgres", "PlanTestSupport",
                                                     .product(name: "GRDB", package: "GRDB.swift")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "PlanFormatsTests", dependencies: ["PlanFormats", "ImprovementPlan", "PlanStore", "Seeds",
                                                      .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "PlanPostgresTests", dependencies: ["PlanPostgres", "Schema"]),
        .testTarget(name: "EndToEndTests", dependencies: ["planwatch", "planwatch-postgres", "ImprovementPlan", "PlanStore", "PlanPostgres",
                                                     "PlanTestSupport",
                                                     .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Golden", "Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
