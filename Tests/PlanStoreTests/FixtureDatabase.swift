import Foundation
@testable import PlanStore

/// Runs `body` on a copy of the database the first schema version made
/// (`Fixtures/schema-0001.sqlite`), opened (and so migrated) by this
/// planwatch; the copy is removed afterwards.
func withMigratedFixture<T>(_ body: (PlanStore) throws -> T) throws -> T {
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/schema-0001.sqlite")
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("fixture-\(UUID().uuidString).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    try FileManager.default.copyItem(atPath: fixture.path, toPath: path)
    return try body(try PlanStore.open(path: path, actor: "test", command: "test"))
}
