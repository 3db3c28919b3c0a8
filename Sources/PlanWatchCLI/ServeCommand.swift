import ArgumentParser
import Foundation
import ImprovementPlan

/// `planwatch serve ...`: runs `planwatch-serve`, the web server built beside
/// this program in a target of its own (so the CLI builds without Hummingbird).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API over the database, for many people at once, each seeing and changing only what is theirs.",
        discussion: """
            Runs planwatch-serve (built by 'swift build'); 'planwatch serve --help' lists its options. See docs/server.md.
            Example:
              planwatch serve --db planwatch.sqlite --port 8080
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(parsing: .allUnrecognized, help: "--host, --port, --log-level: as planwatch-serve takes them.") var options: [String] = []

    func run() throws {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let server = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("planwatch-serve").path
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw PlanError.refused("serve: the server is not built: run 'swift build --product planwatch-serve' (it is looked for at \(server))")
        }
        var arguments = [server, "--db", global.databasePath()] + options
        if options.contains("--help") || options.contains("-h") { arguments = [server, "--help"] }
        let argv = arguments.map { strdup($0) } + [nil]
        execv(server, argv)
        throw PlanError.refused("serve: could not run \(server): \(String(cString: strerror(errno)))")
    }
}
