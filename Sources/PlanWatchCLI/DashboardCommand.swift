import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanHTML
import PlanStore

/// `planwatch dashboard`: one self-contained HTML page (or a PDF of it) of
/// the partnerships' progress, drawn from the progress report's own tally.
struct DashboardCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "An HTML dashboard for committee papers: an overview row per partnership with its RAG bar, then per partnership its grades, a burn-up, overdue ageing, the red and amber actions, the linking timeline and outcome charts.",
        discussion: """
            The page is one file with its styles and SVG charts inline: no scripts, nothing fetched when it is opened. \
            Every number is the number `report progress --format json` gives for the same --as-of (docs/dashboard.md says how each is counted). \
            --pdf prints the page to A4 through a headless Chromium (Debian package chromium), a section per partnership.
            Examples:
              planwatch dashboard --as-of 2024-03-31 --out dashboard.html
              planwatch dashboard --partnership dundee --partnership glasgow-city --pdf chief-officers.pdf
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var thresholds: ThresholdOptions
    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp("Only these partnerships (repeat, or separate with commas), in this order.", valueName: "key"))
    var partnership: [String] = []
    @Option(name: .customLong("as-of"), parsing: .unconditional, help: ArgumentHelp("Draw the plans as of this date (default: today).", valueName: "date"))
    var asOf: DateArgument?
    @Option(parsing: .unconditional, help: ArgumentHelp("Write the HTML page to this file (default: standard output).", valueName: "path"))
    var out: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("Also print the page to this PDF file (needs Chromium).", valueName: "path"))
    var pdf: String?
    @Option(parsing: .unconditional, help: "The page's title.")
    var title: String?
    @Option(name: .customLong("list-limit"), parsing: .unconditional, help: "Red (and amber) actions listed per partnership, soonest deadline first.")
    var listLimit: Int = 25

    func validate() throws {
        _ = try asOf?.date("as-of")
        guard (1...10_000).contains(listLimit) else { throw ValidationError("list-limit: \(listLimit) is not valid (expected 1 to 10000)") }
    }

    func run(context: Context) throws {
        let asOf = try asOf?.date("as-of", today: context.today) ?? context.today
        let keys = splitList(partnership)
        let dashboard = try context.store.dashboard(partnerships: keys, asOf: asOf, thresholds: thresholds.thresholds, listLimit: listLimit)
        let heading = title ?? (dashboard.panels.count == 1 ? "\(dashboard.panels[0].partnership.name): progress" : "Action plan progress")
        let page = try HTMLPage.dashboard(dashboard, title: heading)
        if let pdf { try Chromium.printPDF(html: page, to: pdf) }
        if let out {
            try OutputFile.write(Data(page.utf8), to: out, option: "out")
        } else if pdf == nil {
            context.print(page)
        }
        if let out { context.done("Wrote \(out): \(dashboard.panels.count) partnership\(dashboard.panels.count == 1 ? "" : "s") as of \(asOf)") }
        if let pdf { context.done("Wrote \(pdf)") }
    }
}

/// Writing a page or a PDF to a file: whole or not at all (a temporary file renamed into place).
enum OutputFile {
    /// `option` names the option the path came from, for the message.
    static func write(_ data: Data, to path: String, option: String) throws {
        let url = URL(fileURLWithPath: path)
        // A device or pipe (/dev/stdout, a FIFO) is written to, never replaced.
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        let regular = !exists || (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
        do {
            try data.write(to: url, options: regular ? .atomic : [])
        } catch {
            throw PlanError.refused("\(option): cannot write '\(path)'")
        }
    }
}

/// Chromium, headless, printing a page to PDF.
enum Chromium {
    /// PLANWATCH_CHROMIUM, else the first of the usual names on the PATH.
    static func find() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let given = environment["PLANWATCH_CHROMIUM"], !given.isEmpty { return FileManager.default.isExecutableFile(atPath: given) ? given : nil }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in path {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    static func printPDF(html: String, to path: String) throws {
        guard let browser = find() else {
            throw PlanError.refused("pdf: no Chromium found to print with; install the Debian package chromium (apt-get install chromium) or set PLANWATCH_CHROMIUM")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("planwatch-pdf-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("dashboard.html"), printed = work.appendingPathComponent("dashboard.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
                             "--print-to-pdf=\(printed.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw PlanError.refused("pdf: cannot start \(browser): \(error.localizedDescription)") }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = try? Data(contentsOf: printed), data.starts(with: Array("%PDF".utf8)) else {
            throw PlanError.refused("pdf: \(browser) did not print the page (exit \(process.terminationStatus))")
        }
        try OutputFile.write(data, to: path, option: "pdf")
    }
}
