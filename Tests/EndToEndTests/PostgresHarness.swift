import Foundation
import PlanTestSupport
import Testing

extension Harness {
    /// A file in the test's folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// A seed database (`planwatch demo`) and its copy in a new database on the throwaway server.
    func seededOnPostgres() throws -> (sqlite: String, pg: String) {
        let sqlite = path("seed.sqlite")
        try ok(["demo", "--db", sqlite, "--format", "csv"])
        let pg = try PostgresServer.shared().newDatabase()
        try ok(["copy", "--from", sqlite, "--to", pg])
        return (sqlite, pg)
    }
}
