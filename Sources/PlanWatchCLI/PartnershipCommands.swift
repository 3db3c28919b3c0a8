import ArgumentParser
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch partnership add|list|show|link`.
struct PartnershipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partnership",
        abstract: "Community planning partnerships and their link inspectors.",
        discussion: "Example:\n  planwatch partnership add dundee --name \"Dundee City\"\n  planwatch partnership show dundee",
        subcommands: [Add.self, List.self, Show.self, Link.self])

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a partnership.",
            discussion: """
                Example:
                  planwatch partnership add dundee --name "Dundee City" --council "Dundee City Council" --health-board "NHS Tayside" --police-division "Tayside"
                """)
        static let auditName = "partnership add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Short key: lower-case letters, digits, hyphens (e.g. dundee).") var key: String
        @Option(parsing: .unconditional, help: "Full name.") var name: String
        @Option(parsing: .unconditional, help: "The council.") var council: String?
        @Option(name: .customLong("health-board"), parsing: .unconditional, help: "The NHS health board.") var healthBoard: String?
        @Option(name: .customLong("police-division"), parsing: .unconditional, help: "The Police Scotland division.") var policeDivision: String?
        @Option(name: .customLong("partner"), parsing: .unconditionalSingleValue, help: "Another partner (repeat or separate with commas).") var partners: [String] = []

        func run(context: Context) throws {
            try context.store.addPartnership(Partnership(key: key, name: name, council: council, healthBoard: healthBoard,
                                                         policeDivision: policeDivision, otherPartners: splitList(partners)))
            context.done("Added partnership \(key) (\(name))")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List partnerships.", discussion: "Example:\n  planwatch partnership list --format csv")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions

        func run(context: Context) throws {
            let partnerships = try context.store.partnerships()
            try context.emit(partnerships, format: list.format, table: {
                var table = Table(columns: [.init("key"), .init("name"), .init("council"), .init("healthBoard"), .init("policeDivision")])
                for p in partnerships {
                    table.append([p.key, p.name, p.council ?? "", p.healthBoard ?? "", p.policeDivision ?? ""])
                }
                return table
            })
        }
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a partnership: partners, link inspectors, inspections, reviews.",
            discussion: "Example:\n  planwatch partnership show dundee")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Argument(help: "The partnership key.") var key: String

        func run(context: Context) throws {
            let detail = try context.store.partnershipDetail(key)
            if list.format == .json { return context.print(try JSONOutput.encode(detail)) }
            let p = detail.partnership
            var lines = [context.style.bold("\(p.name) (\(p.key))")]
            if let council = p.council { lines.append("Council:          \(council)") }
            if let board = p.healthBoard { lines.append("Health board:     \(board)") }
            if let police = p.policeDivision { lines.append("Police division:  \(police)") }
            if !p.otherPartners.isEmpty { lines.append("Other partners:   \(p.otherPartners.joined(separator: "; "))") }
            context.print(lines.map(Sanitise.line).joined(separator: "\n") + "\n\n")
            context.print(context.style.bold("Link inspectors") + "\n")
            var links = Table(columns: [.init("inspector"), .init("from"), .init("to")])
            for link in detail.links { links.append([link.inspector, link.from.iso, link.to?.iso ?? "current"]) }
            context.emit(links, format: list.format)
            context.print("\n" + context.style.bold("Inspections") + "\n")
            var inspections = Table(columns: [.init("key"), .init("title", wrap: true), .init("published"), .init("confidence")])
            for i in detail.inspections {
                inspections.append([i.key, i.title, i.published?.iso ?? "", i.confidence?.rawValue ?? ""])
            }
            context.emit(inspections, format: list.format)
            context.print("\n" + context.style.bold("Linking reviews") + "\n")
            context.emit(ReviewCommand.table(detail.reviews), format: list.format)
        }
    }

    struct Link: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "link",
            abstract: "Assign a link inspector from a date (the previous assignment ends the day before).",
            discussion: "Example:\n  planwatch partnership link dundee --inspector \"Link inspector (Tayside)\" --from 2022-01-01")
        static let auditName = "partnership link"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The partnership key.") var key: String
        @Option(parsing: .unconditional, help: "The link inspector's name or role.") var inspector: String
        @Option(parsing: .unconditional, help: ArgumentHelp("First day of the assignment (default: today).", valueName: "date")) var from: DateArgument?

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try from?.date("from")
        }

        func run(context: Context) throws {
            let start = try from?.date("from", today: context.today) ?? context.today
            try context.store.linkInspector(partnership: key, inspector: inspector, from: start)
            context.done("Linked \(inspector) to \(key) from \(start)")
        }
    }
}

/// `planwatch qi add|list`.
struct QICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qi", abstract: "Quality indicators that inspections grade.",
        discussion: "Example:\n  planwatch qi list", subcommands: [Add.self, List.self])

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a quality indicator (older frameworks name some only in words: leave out --code).",
            discussion: "Example:\n  planwatch qi add --code 1.4 --name \"Assessing and responding to risks and needs\" --framework 2014")
        static let auditName = "qi add"
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "Its number in the framework, e.g. 2.1.") var code: String?
        @Option(parsing: .unconditional, help: "Its name.") var name: String
        @Option(parsing: .unconditional, help: "The framework it belongs to, e.g. 2019.") var framework: String?

        func run(context: Context) throws {
            try context.store.addQualityIndicator(QualityIndicator(code: code, name: name, framework: framework))
            context.done("Added quality indicator \(code.map { "\($0) " } ?? "")\(name)")
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List quality indicators.", discussion: "Example:\n  planwatch qi list")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions

        func run(context: Context) throws {
            let qis = try context.store.qualityIndicators()
            try context.emit(qis, format: list.format, table: {
                var table = Table(columns: [.init("code"), .init("name"), .init("framework")])
                for qi in qis { table.append([qi.code ?? "", qi.name, qi.framework ?? ""]) }
                return table
            })
        }
    }
}
