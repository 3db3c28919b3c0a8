import PlanPostgres
import PlanStore
import PlanTestSupport
import Testing

/// The store's two engines: the store tests that hold for both run on each,
/// through the same contract, with the same results.
enum StoreEngineKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new store, migrated and empty: a private in-memory SQLite database,
    /// or a new database on the tests' throwaway PostgreSQL server.
    func store(actor: String = "test", command: String = "test") throws -> PlanStore {
        switch self {
        case .sqlite:
            return try PlanStore.inMemory(actor: actor, command: command)
        case .postgres:
            let address = try PostgresServer.shared().newDatabase()
            return try PostgresEngine.openStore(try PostgresLocation(address), create: true, actor: actor, command: command)
        }
    }
}

extension StoreEngineKind {
    /// `verify` as each engine runs it: PlanStore's own on SQLite; on
    /// PostgreSQL, PlanPostgres's (one snapshot copied and verified whole,
    /// with the schema's triggers checked).
    func verify(_ store: PlanStore) throws -> VerifyReport {
        switch self {
        case .sqlite: return try store.verify()
        case .postgres: return try PostgresVerify.verify(try PostgresLocation(store.path), expectations: VerifyExpectations(), actor: store.actor)
        }
    }
}
