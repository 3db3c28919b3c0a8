import Foundation
import Testing
import ImprovementPlan
import PlanFormats
import PlanStore
import Seeds

/// The streamed export is the document the whole-file encoder writes, byte for byte.
@Suite("plan file writer")
struct PlanFileWriterTests {
    static func streamed(_ store: PlanStore) throws -> String {
        var text = ""
        var writer = PlanFileWriter { text += $0 }
        try store.exportPlanFile(into: &writer)
        writer.finish()
        return text
    }

    @Test("an empty database and the five seed inspections stream as the encoder writes them")
    func sameBytes() throws {
        let store = try PlanStore.inMemory()
        try store.initialise()
        #expect(try Self.streamed(store) == (try JSONOutput.encode(try store.exportPlanFile())))
        for seed in Seeds.files {
            _ = try store.importPlanFile(try PlanFileStream(bytes: Array(seed.json.utf8), name: seed.name), today: CalendarDate.today())
        }
        let streamed = try Self.streamed(store)
        let whole = try JSONOutput.encode(try store.exportPlanFile())
        #expect(streamed == whole)
        // Both sides read the store the same way, so check the streamed file against the seeds themselves:
        // every record they hold is there (quality indicators and plans also come from init and each inspection).
        let file = try JSONDecoder().decode(PlanFile.self, from: Data(streamed.utf8))
        let seeds = try Seeds.files.map { try JSONDecoder().decode(PlanFile.self, from: Data($0.json.utf8)) }
        func total<T>(_ list: KeyPath<PlanFile, [T]>) -> Int { seeds.reduce(0) { $0 + $1[keyPath: list].count } }
        #expect(file.partnerships.count == total(\.partnerships) && file.linkAssignments.count == total(\.linkAssignments))
        #expect(file.inspections.count == total(\.inspections) && file.evaluations.count == total(\.evaluations))
        #expect(file.findings.count == total(\.findings) && file.actions.count == total(\.actions))
        #expect(file.updates.count == total(\.updates) && file.extensions.count == total(\.extensions))
        #expect(file.reviews.count == total(\.reviews) && file.plans.count == file.inspections.count)
        #expect(!file.actions.isEmpty && !file.updates.isEmpty && !file.reviews.isEmpty && !file.extensions.isEmpty)
    }

    @Test("text a terminal would act on is escaped in the streamed file as in the encoded one")
    func escapes() throws {
        let store = try PlanStore.inMemory()
        try store.initialise()
        try store.addPartnership(Partnership(key: "fife", name: "Fife \u{202E}\u{9B} / \"quoted\" é"))
        let streamed = try Self.streamed(store)
        #expect(streamed == (try JSONOutput.encode(try store.exportPlanFile())))
        #expect(streamed.contains("\\u202e") && streamed.contains("\\u009b"))
    }
}
