import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `planwatch vacuum`: free pages given back, records and trail untouched, safe beside a running server.
@Suite("vacuum", .serialized)
struct VacuumTests {
    @Test("free pages are given back and the file shrinks; every record, the plan file and the trail's head are as before")
    func givesBackFreePages() throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        // Free pages, as a migration that copies a table leaves them: made and dropped behind planwatch's back.
        try OutsideTool.run("sqlite3", [h.db, """
            CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
            INSERT INTO filler SELECT randomblob(2000) FROM n; DROP TABLE filler; PRAGMA wal_checkpoint(TRUNCATE);
            """])
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: h.db)[.size] as? Int ?? 0
        let exportBefore = try h.ok(["export", "--format", "json"])
        let headBefore = try h.ok(["verify"]).split(separator: "\n").first { $0.hasPrefix("head: ") }
        let json = try h.ok(["vacuum", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((report["freePagesBefore"] as? Int ?? 0) > 900 && report["freePagesAfter"] as? Int == 0, "\(json)")
        #expect((report["pagesAfter"] as? Int ?? 0) < (report["pagesBefore"] as? Int ?? 0))
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: h.db)[.size] as? Int ?? 0
        #expect(sizeAfter < sizeBefore / 2, "\(sizeBefore) → \(sizeAfter)")
        #expect(try h.ok(["export", "--format", "json"]) == exportBefore)
        let verified = try h.ok(["verify"])
        #expect(verified.hasPrefix("ok:") && verified.split(separator: "\n").first { $0.hasPrefix("head: ") } == headBefore)
        // Again, nothing left to give back.
        #expect(try h.ok(["vacuum"]).hasPrefix("Vacuumed: 0 free pages of"))
    }

    @Test("beside a running server: the server keeps answering and writing, and the database verifies")
    func besideTheServer() async throws {
        let h = try Harness.seeded()
        defer { h.cleanUp() }
        let tokens = try ServerTests.accounts(h)
        let server = try Server(h)
        defer { _ = server.stop() }
        #expect(try await server.request("POST", "/api/v1/actions/2/updates", token: tokens["officer-p"], body: "{\"note\": \"Before\"}").0 == 201)
        #expect(try h.ok(["vacuum"]).hasPrefix("Vacuumed: "))
        #expect(try await server.request("POST", "/api/v1/actions/2/updates", token: tokens["officer-p"], body: "{\"note\": \"After\"}").0 == 201)
        #expect(try await server.request("GET", "/api/v1/actions/2", token: tokens["officer-p"]).1.contains("\"note\" : \"After\""))
        #expect(server.stop() == 0)
        #expect(try h.ok(["verify"]).hasPrefix("ok:"))
    }

    @Test("no database: one line, status 1, nothing made")
    func missing() throws {
        let h = try Harness()
        defer { h.cleanUp() }
        let result = try h.run(["vacuum"])
        #expect(result.status == 1 && result.stderr.hasPrefix("planwatch: no planwatch database") && result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: h.db))
    }
}
