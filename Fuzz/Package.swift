// swift-tools-version:6.1
// The libFuzzer harness, in a package of its own so a plain `swift build` at
// the root never links it. Build and run with Fuzz/run.sh.
import PackageDescription

// The root package's identity is its folder's name, whatever the checkout is called.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "planwatch"

let package = Package(
    name: "planwatch-fuzz",
    dependencies: [.package(path: ".."), .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2")],
    targets: [
        .executableTarget(
            name: "planwatch-fuzz",
            dependencies: [
                .product(name: "ImprovementPlan", package: root),
                .product(name: "PlanFormats", package: root),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
