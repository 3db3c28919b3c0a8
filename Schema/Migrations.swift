/// The SQL migrations of each engine, in the order they apply.
///
/// Each is embedded in the binary from its `.sql` file (`sqlite/`, `postgres/`),
/// so an installed `planwatch` needs no files beside it.
public enum Migrations {
    /// One migration: its identifier (recorded in the database) and its SQL.
    public struct Migration: Sendable {
        public let identifier: String
        public let sql: String
    }

    /// Every SQLite migration, oldest first. Append; never edit or reorder.
    /// (SwiftPM names an embedded `0001_x.sql` `_001_x_sql`: a leading digit becomes `_`.)
    public static let all: [Migration] = [
        Migration(identifier: "0001_initial", sql: text(PackageResources._001_initial_sql)),
        Migration(identifier: "0002_audit_deletions", sql: text(PackageResources._002_audit_deletions_sql)),
        Migration(identifier: "0003_case_blind_filters", sql: text(PackageResources._003_case_blind_filters_sql)),
        Migration(identifier: "0004_checks_without_lists", sql: text(PackageResources._004_checks_without_lists_sql)),
        Migration(identifier: "0005_unused_action_indexes", sql: text(PackageResources._005_unused_action_indexes_sql)),
        Migration(identifier: "0006_dated_plan_and_inspection_changes", sql: text(PackageResources._006_dated_plan_and_inspection_changes_sql)),
        Migration(identifier: "0007_dated_self_assessment", sql: text(PackageResources._007_dated_self_assessment_sql)),
        Migration(identifier: "0008_outcome_measures", sql: text(PackageResources._008_outcome_measures_sql)),
        Migration(identifier: "0009_accounts", sql: text(PackageResources._009_accounts_sql)),
        Migration(identifier: "0010_server_records", sql: text(PackageResources._010_server_records_sql)),
        Migration(identifier: "0011_derived_last_update", sql: text(PackageResources._011_derived_last_update_sql)),
        Migration(identifier: "0012_derived_partnership", sql: text(PackageResources._012_derived_partnership_sql)),
    ]

    /// Every PostgreSQL migration, oldest first. Append; never edit or reorder.
    /// The first brings a new database to the SQLite schema through `0011`; each
    /// later SQLite migration has its PostgreSQL counterpart here.
    public static let postgres: [Migration] = [
        Migration(identifier: "pg0001_initial", sql: text(PackageResources.pg0001_initial_sql)),
        Migration(identifier: "pg0002_derived_partnership", sql: text(PackageResources.pg0002_derived_partnership_sql)),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
