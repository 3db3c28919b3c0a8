import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch verify [--expect SEQ:HASH] [--against BACKUP] [--key PUBLIC]`.
struct VerifyCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the database: SQLite's integrity and foreign keys, the schema, the audit chain end to end, and every record against its history.",
        discussion: """
            Prints the trail's head (SEQ:HASH). Whoever can write the file could rebuild the whole \
            chain; note the head down elsewhere (or keep a backup, or sign checkpoints), and a later \
            verify shows whether the trail still passes through it.
            Exit status 0 when everything holds; otherwise 1, with the problems found, the first one first.
            A PostgreSQL database (--db postgres://...) is checked in one snapshot, copied to a temporary SQLite file and verified there by the same code, with PostgreSQL's own append-only triggers and, where amcheck is installed, its indexes (docs/server.md).
            Examples:
              planwatch verify --db planwatch.sqlite
              planwatch verify --expect 1520:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
              planwatch verify --against backups/planwatch-2025-03-31.sqlite --key checkpoint.pub
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "table or json.") var format: OutputFormat = .table
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("A head noted earlier, SEQ:HASH: the trail must still pass through it (repeatable).", valueName: "seq:hash"))
    var expect: [String] = []
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("An earlier backup: its trail must be the beginning of this one (repeatable).", valueName: "backup"))
    var against: [String] = []
    @Option(parsing: .unconditional, help: ArgumentHelp("A checkpoint public key file: every checkpoint must be signed by it.", valueName: "public-key"))
    var key: String?

    func validate() throws {
        for text in expect { _ = try VerifyExpectations.head(expected: text) }
    }

    /// On PostgreSQL, `planwatch-postgres verify` with the same options.
    func postgresArguments(database: String) -> [String]? {
        ["verify", "--db", database, "--format", format == .json ? "json" : "table"] + expect.flatMap { ["--expect", $0] }
            + against.flatMap { ["--against", $0] } + (key.map { ["--key", $0] } ?? [])
    }

    func run(context: Context) throws {
        let expectations = try VerifyExpectations(expect: expect, against: against, keyFile: key)
        let report = try context.store.verify(expectations)
        if format == .json {
            context.print(try JSONOutput.encode(report))
        } else {
            if report.ok {
                context.done(report.summary(notedHeads: expectations.heads.count, checkpointsAsked: key != nil))
            } else {
                for problem in report.problems { context.done("problem: \(problem)") }
            }
            context.done("head: \(report.head)")
        }
        guard report.ok else {
            context.flush()
            throw ExitCode.failure
        }
    }
}

/// `planwatch checkpoint [--key FILE]`.
struct CheckpointCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the audit trail's head with a key kept outside the database, so a rebuilt trail can be told from this one.",
        discussion: """
            The private key file is made on first use (readable by you only), with the public key \
            beside it as FILE.pub: give that to whoever checks, and keep the private key off the \
            machine that holds the database if you can. `planwatch verify --key FILE.pub` then \
            checks every checkpoint.
            Example:
              planwatch checkpoint --key ~/keys/planwatch-checkpoint.key
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("The private key file (env PLANWATCH_CHECKPOINT_KEY; default ~/.planwatch/checkpoint.key).", valueName: "file"))
    var key: String?

    func run(context: Context) throws {
        let environment = ProcessInfo.processInfo.environment
        let path = key ?? environment["PLANWATCH_CHECKPOINT_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? ".") + "/.planwatch/checkpoint.key")
        let privateKey: Data
        if FileManager.default.fileExists(atPath: path) {
            privateKey = try KeyFile.read(path, kind: .privateKey)
        } else {
            let pair = CheckpointKeys.generate()
            try KeyFile.write(pair.privateKey, to: path, mode: 0o600)
            try KeyFile.write(pair.publicKey, to: path + ".pub", mode: 0o644)
            privateKey = pair.privateKey
            context.done("Made a new checkpoint key \(path) (public key \(path).pub)")
        }
        let result = try context.store.checkpoint(signingWith: privateKey)
        context.done("Signed head \(result.signed) in checkpoint entry \(result.entry.seq); check it with: planwatch verify --key \(path).pub")
    }
}

/// `planwatch history [ACTION | --partnership P] [--since DATE]`.
struct HistoryCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What changed, when, by whom, from what to what: the audit trail in plain words.",
        discussion: """
            ACTION (an id or inspection/ref) narrows it to one action, its updates and extensions.
            Examples:
              planwatch history 7
              planwatch history --partnership dundee --since 2024-01-01 --format csv
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "table, json, csv or markdown.") var format: OutputFormat = .table
    @Argument(help: "An action: id or inspection/ref.") var action: String?
    @Option(parsing: .unconditional, help: "Only this partnership's records.") var partnership: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Only changes made on or after this date (UTC).", valueName: "date")) var since: DateArgument?
    @Option(name: .customLong("by"), parsing: .unconditional, help: "Only changes made by this actor.") var by: String?

    /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
    func validate() throws {
        _ = try since?.date("since")
    }

    func run(context: Context) throws {
        let filter = HistoryFilter(action: action, partnership: partnership,
                                   since: try since?.date("since", today: context.today), actor: by)
        let columns: [Table.Column] = [.init("seq", alignRight: true), .init("at"), .init("actor", wrap: true),
                                       .init("command"), .init("change", wrap: true)]
        func cells(_ e: HistoryEntry) -> [String] {
            [String(e.seq), String(e.at.prefix(16)).replacingOccurrences(of: "T", with: " "), e.actor, e.command, e.summary]
        }
        var stream = OutputStream<HistoryEntry>(context: context, format: format, header: columns.map(\.key), shape: .array, cells: cells)
        try context.store.forEachAuditEntry(filter) { try stream.add(HistoryEntry($0)) }
        stream.finish(table: { entries in
            var table = Table(columns: columns)
            for entry in entries { table.append(cells(entry)) }
            return table
        }, empty: "No changes recorded.")
    }
}

/// `planwatch undo`.
struct UndoCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo",
        abstract: "Revert your most recent change, as a new audited change (history is never deleted).",
        discussion: """
            The change is the last command you (--actor) ran that has not been undone. Refused, with the reason, when \
            someone else has changed the same records since, or when other records now depend on what it added.
            A progress update is never deleted: undoing one adds a correcting update.
            Example:
              planwatch undo --actor "Link inspector (Tayside)"
            """)
    static let auditName = "undo"
    @OptionGroup var global: GlobalOptions

    func run(context: Context) throws {
        let result = try context.store.undo(today: context.today)
        context.done("Undid '\(result.command)' (audit entry \(result.change), \(result.at.prefix(16).replacingOccurrences(of: "T", with: " ")) UTC):")
        for step in result.steps { context.done("  " + UndoWords.text(step)) }
    }
}

/// `planwatch backup PATH`.
struct BackupCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file with SQLite's online backup API (consistent while others write); the copy is verified.",
        discussion: """
            A PostgreSQL database (--db postgres://...) is backed up with pg_dump (custom format) from one snapshot, which is verified first; the file is readable by its owner only (docs/server.md).
            Examples:
              planwatch backup backups/planwatch-2025-03-31.sqlite
              planwatch backup backups/planwatch-2025-03-31.pgdump --db postgres://planwatch@db.example.org/planwatch
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new file.") var path: String

    /// On PostgreSQL, `planwatch-postgres backup`: pg_dump of a snapshot that verifies.
    func postgresArguments(database: String) -> [String]? { ["backup", "--db", database, path] }

    func run(context: Context) throws {
        let report = try context.store.backup(to: path)
        context.done("Backed up to \(path) (\(report.auditEntries) audit entries; the copy verifies)")
    }
}

/// `planwatch vacuum`: give back the free pages that migrations and imports leave.
struct VacuumCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "vacuum",
        abstract: "Rebuild the database file without its free pages (SQLite's VACUUM); records and the audit trail are unchanged.",
        discussion: """
            Safe beside a running planwatch serve: readers see the database before or after, a writer waits. It needs free \
            disk space about the size of the database while it runs.
            Example:
              planwatch vacuum
            """)
    @OptionGroup var global: GlobalOptions
    @Option(parsing: .unconditional, help: "text or json.") var format: ImportOutput = .text

    func run(context: Context) throws {
        let report = try context.store.vacuum()
        switch format {
        case .json: context.print(try JSONOutput.encode(report))
        case .text:
            func size(_ bytes: Int) -> String { bytes >= 10 << 20 ? "\(bytes >> 20) MB" : "\(bytes >> 10) kB" }
            context.done("Vacuumed: \(report.freePagesBefore) free page\(report.freePagesBefore == 1 ? "" : "s") of \(report.pagesBefore) given back; "
                         + "\(size(report.bytesBefore)) → \(size(report.bytesAfter)); trail head \(report.head) unchanged")
        }
    }
}

/// `planwatch restore PATH [--discard-later-changes] [--force]`.
struct RestoreCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database with a backup, only after the backup verifies and is an earlier state of this database.",
        discussion: """
            Changes recorded after the backup was taken are lost by a restore: planwatch lists them \
            and restores only with --discard-later-changes. A backup whose audit trail is not the \
            beginning of this database's (another database, or a rewritten trail) needs --force.
            The restore is recorded in the trail, with the head it replaced.
            On PostgreSQL (--db postgres://...) a pg_dump backup is restored into an empty database (made with createdb) with pg_restore in one transaction, then verified; one that does not verify is dropped again (docs/server.md).
            Example:
              planwatch restore backups/planwatch-2025-03-31.sqlite --discard-later-changes
            """)
    static let auditName = "restore"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file.") var path: String
    @Flag(name: .customLong("discard-later-changes"), help: "Restore even though changes were recorded after the backup (they are lost).")
    var discardLaterChanges = false
    @Flag(help: "Restore a backup that is not an earlier state of this database.") var force = false

    /// On PostgreSQL, `planwatch-postgres restore`: pg_restore into an empty database, then verify.
    func postgresArguments(database: String) -> [String]? {
        ["restore", "--db", database, path] + (discardLaterChanges ? ["--discard-later-changes"] : []) + (force ? ["--force"] : [])
    }

    func run(context: Context) throws {
        let result = try context.store.restore(from: path, discardLaterChanges: discardLaterChanges, force: force)
        var line = "Restored \(global.databasePath()) from \(path) (\(result.report.auditEntries) audit entries verified)"
        if result.discarded.entries > 0 { line += "; \(result.discarded.entries) later audit entries discarded" }
        context.done(line)
        context.done("Replaced head \(result.replaced); restored head \(result.restored)")
    }
}
