import Foundation
import Testing
@_exported import PlanTestSupport

/// The engine a test's database is on: the same tests run on each, with the same results.
enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// Runs the built `planwatch` binary as a user would, on a temporary database:
/// an SQLite file in a temporary folder, or a new database on the tests'
/// throwaway PostgreSQL server.
struct Harness {
    let folder: URL
    let engine: Engine
    let db: String

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    init(engine: Engine = .sqlite) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.engine = engine
        switch engine {
        case .sqlite: db = folder.appendingPathComponent("plan.sqlite").path
        case .postgres: db = try PostgresServer.shared().newDatabase()
        }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    /// The binary: $PLANWATCH_BIN, or `planwatch` beside the test bundle.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PLANWATCH_BIN"] { return path }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            let candidate = url.deletingLastPathComponent().appendingPathComponent("planwatch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            url = url.deletingLastPathComponent()
        }
        return ".build/debug/planwatch"
    }

    @discardableResult
    func run(_ arguments: [String], env: [String: String] = [:], input: Data? = nil, executable: String = Harness.binary) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["PLANWATCH_DB"] = db
        environment["PLANWATCH_ACTOR"] = "tester"
        environment["NO_COLOR"] = "1"
        for (key, value) in env { environment[key] = value }
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            // Written from another thread: a large input would fill the pipe while planwatch waits to finish reading it.
            let writer = stdin.fileHandleForWriting
            Thread.detachNewThread {
                writer.write(input)
                try? writer.close()
            }
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs and expects success, recording the output when it fails.
    @discardableResult
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "planwatch \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// The database file's bytes (and its WAL, if any); on PostgreSQL, a
    /// logical dump: every table's rows and a digest of them, in key order.
    func snapshot() throws -> Data {
        if engine == .postgres {
            let dump = try PostgresServer.dump(db).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.rows) \($0.value.hash)" }
            return Data(dump.joined(separator: "\n").utf8)
        }
        var data = try Data(contentsOf: URL(fileURLWithPath: db))
        if let wal = FileManager.default.contents(atPath: db + "-wal") { data.append(wal) }
        return data
    }

    /// A new database with the partnership stirling and its inspection stirling-2023 (published 2023-06-01), no plan yet.
    static func stirling(engine: Engine = .sqlite) throws -> Harness {
        let h = try Harness(engine: engine)
        try h.ok(["init"])
        try h.ok(["partnership", "add", "stirling", "--name", "Stirling"])
        try h.ok(["inspection", "add", "stirling-2023", "--partnership", "stirling", "--title", "Services for children at risk of harm",
                  "--published", "2023-06-01"])
        return h
    }

    /// A database with the five seed inspections (`planwatch demo`).
    static func seeded(engine: Engine = .sqlite) throws -> Harness {
        let h = try Harness(engine: engine)
        let result = try h.run(["demo", "--db", h.db, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        return h
    }

    /// A database with one partnership, inspection, finding (id 1) and action (id 1, due 2023-03-31).
    func logged() throws {
        try ok(["init"])
        try ok(["partnership", "add", "dundee", "--name", "Dundee City", "--council", "Dundee City Council",
                "--health-board", "NHS Tayside", "--police-division", "Tayside"])
        try ok(["partnership", "link", "dundee", "--inspector", "Link inspector (Tayside)", "--from", "2022-01-01"])
        try ok(["inspection", "add", "dundee-2021", "--partnership", "dundee", "--title", "Services for children at risk of harm",
                "--fieldwork", "2021-07-12..2021-11-05", "--published", "2022-02-01", "--confidence", "confident"])
        try ok(["inspection", "grade", "dundee-2021", "--qi", "2.1", "--grade", "good"])
        try ok(["finding", "add", "dundee-2021", "--kind", "improvement", "--qi", "2.1", "--theme", "mental health",
                "--text", "Mental health support was limited"])
        try ok(["action", "add", "--finding", "1", "--ref", "2.1", "--title", "Commission counselling",
                "--owner", "Head of Service, Education", "--agency", "Dundee City Council", "--due", "2023-03-31",
                "--start", "2022-04-01", "--measure", "Waiting time under 6 weeks", "--date", "2022-03-01"])
    }
}

/// The outside programs the tests check planwatch with (the sqlite3 shell,
/// python3 and its checkers), run through `PATH`. A missing one fails the test
/// with one line naming it; it never skips.
enum OutsideTool {
    /// Runs `tool` with `arguments`; records an issue when the tool is missing or fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], stdout: FileHandle? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Harness.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = stdout ?? out
        process.standardError = err
        try process.run()
        let output = stdout == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            Issue.record("\(tool) is missing: run scripts/test, which installs what the tests need", sourceLocation: sourceLocation)
        } else {
            #expect(process.terminationStatus == 0, "\(tool) \(arguments.first ?? ""): \(message)", sourceLocation: sourceLocation)
        }
        return Harness.Result(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self), stderr: message)
    }
}
