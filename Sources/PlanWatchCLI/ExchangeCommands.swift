import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// Reads a plan file, turning JSON problems into one line naming where.
enum PlanFileReader {
    static func decode(_ data: Data, name: String) throws -> PlanFile {
        do {
            return try JSONDecoder().decode(PlanFile.self, from: data)
        } catch let error as DecodingError {
            throw PlanError.refused("\(name): \(describe(error))")
        } catch {
            throw PlanError.refused("\(name): not a JSON plan file (\(error.localizedDescription))")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "the document" : text
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.underlyingError.map { "\($0.localizedDescription)" } ?? context.debugDescription))" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case let .keyNotFound(key, context):
            return "\(path(context.codingPath + [key])): is required"
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case let .valueNotFound(type, context):
            return "\(path(context.codingPath)): expected \(typeName(type)), found null"
        @unknown default:
            return "\(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}

/// `planwatch import FILE.json`.
struct ImportCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a plan file (JSON), merging by natural key; all or nothing.",
        discussion: """
            Records already in the database with the same values are left alone; a record with the same key but
            different values stops the import, naming it. Nothing is written unless everything imports.
            Example:
              planwatch import dundee-plan.json
            """)
    static let auditName = "import"
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The plan file.") var file: String
    @Flag(name: .customLong("dry-run"), help: "Check the file and say what would be imported, writing nothing.") var dryRun = false

    func run(context: Context) throws {
        if file.lowercased().hasSuffix(".csv") {
            throw PlanError.refused("\(file): spreadsheet (CSV) import is not available in this version; import a JSON plan file")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PlanError.notFound(entity: "file", key: file)
        }
        let planFile = try PlanFileReader.decode(data, name: file)
        let summary: ImportSummary
        if dryRun {
            let scratch = try PlanStore.inMemory(actor: context.store.actor, command: "import --dry-run")
            try scratch.importPlanFile(try context.store.exportPlanFile(), today: context.today)
            summary = try scratch.importPlanFile(planFile, today: context.today)
        } else {
            summary = try context.store.importPlanFile(planFile, today: context.today)
        }
        let added = summary.added.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        let total = summary.totalAdded
        context.done((dryRun ? "Would import " : "Imported ")
                     + (total == 0 ? "nothing new" : "\(total) record\(total == 1 ? "" : "s") (\(added))")
                     + "; \(summary.totalUnchanged) already present")
    }
}

/// `planwatch export --format json`.
struct ExportCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the whole database as a plan file (JSON) on standard output.",
        discussion: "Example:\n  planwatch export --format json > backup-plan.json")
    @OptionGroup var global: GlobalOptions
    @Option(help: "json (csv and ics come later).") var format: String = "json"

    func run(context: Context) throws {
        guard format == "json" else {
            throw PlanError.invalidValue(field: "format", value: format, expected: "json")
        }
        context.print(try JSONOutput.encode(try context.store.exportPlanFile()))
    }
}
