import ArgumentParser
import Foundation
import Logging
import PlanPostgres
import PlanServer
import PlanStore

/// `planwatch serve`: the web server over a planwatch database. `planwatch serve`
/// runs this program; it can also be run as `planwatch-serve`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planwatch serve",
        abstract: "Serve the JSON API over a planwatch database, for many people at once, each seeing and changing only what is theirs.",
        discussion: """
            Listens on loopback by default; put it behind a TLS reverse proxy to serve beyond this machine (docs/server.md).
            Stops on SIGTERM or SIGINT after the requests in flight have finished.
            Example:
              planwatch serve --db planwatch.sqlite --port 8080
            """)

    @Option(parsing: .unconditional, help: "The database (default: $PLANWATCH_DB, else planwatch.sqlite).") var db: String?
    @Option(parsing: .unconditional, help: "The address to listen on.") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The port (0: any free one, told on standard error).") var port = "8080"
    @Flag(name: .customLong("secure-cookies"), help: "Mark cookies Secure even without 'X-Forwarded-Proto: https' (behind a TLS proxy).") var secureCookies = false
    @Option(name: .customLong("log-level"), parsing: .unconditional, help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func run() async throws {
        guard let number = Int(port), (0...65_535).contains(number) else {
            throw ServeError("port: '\(port)' is not valid (expected a number from 0 to 65535)")
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ServeError("log-level: '\(logLevel)' is not valid (expected trace, debug, info, notice, warning, error or critical)")
        }
        let path = db ?? ProcessInfo.processInfo.environment["PLANWATCH_DB"] ?? "planwatch.sqlite"
        PostgresEngine.register()
        let store = try PlanStore.open(path: path, actor: "serve", command: "serve", readers: 8)
        let app = buildApplication(store: store, configuration: ServerConfiguration(host: host, port: number, logLevel: level, secureCookies: secureCookies)) { bound in
            FileHandle.standardError.write(Data("planwatch serve: listening on http://\(host):\(bound) (database \(path))\n".utf8))
        }
        try await app.runService()
    }
}

struct ServeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

do {
    let command = try Serve.parse()
    try await command.run()
} catch let error as ServeError {
    FileHandle.standardError.write(Data("planwatch serve: \(error)\n".utf8))
    exit(1)
} catch {
    let code = Serve.exitCode(for: error)
    if code == .success { print(Serve.fullMessage(for: error)); exit(0) }
    FileHandle.standardError.write(Data("planwatch serve: \(Serve.message(for: error))\n".utf8))
    exit(code.rawValue)
}
