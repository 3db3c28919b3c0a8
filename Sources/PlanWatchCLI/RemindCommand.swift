import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch remind`: one message per person, with what waits on them.
struct RemindCommand: StoreCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "Remind each officer and inspector of what waits on them, one message per person, never an empty one.",
        discussion: """
            An officer hears of their partnerships' actions that are overdue or due within --within days, grouped by \
            owner; an inspector of requested extensions awaiting a decision, linking reviews due and completions \
            awaiting sign-off, for the partnerships assigned to them. Admins and disabled accounts get none.
            Without --out or --send it lists who would get what. --out writes each message as NAME.eml (RFC 5322); \
            --send hands each to sendmail (--sendmail or PLANWATCH_SENDMAIL; default /usr/sbin/sendmail, as msmtp-mta \
            or postfix install it). Nothing is written to the database.
            Example:
              planwatch remind --as-of 2026-12-07 --url https://planwatch.example.org --out reminders/
              planwatch remind --send --from planwatch@careinspectorate.gov.scot
            """)
    @OptionGroup var global: GlobalOptions
    @OptionGroup var list: ListOptions
    @Option(parsing: .unconditional, help: "Days ahead that count as due (0 to 366).") var within: Int = Thresholds.standard.dueSoonDays
    @Option(name: .customLong("user"), parsing: .unconditionalSingleValue,
            help: "Only these accounts (repeat or separate with commas).") var users: [String] = []
    @Option(parsing: .unconditional, help: ArgumentHelp("Write each message into this folder as NAME.eml.", valueName: "folder")) var out: String?
    @Flag(help: "Hand each message to sendmail.") var send = false
    @Option(parsing: .unconditional, help: ArgumentHelp("The sender's address (env PLANWATCH_MAIL_FROM; default planwatch@ this host).", valueName: "address"))
    var from: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("The server's address, for links to each page (https://planwatch.example.org).", valueName: "url"))
    var url: String?
    @Option(parsing: .unconditional, help: ArgumentHelp("The sendmail program and its options (env PLANWATCH_SENDMAIL).", valueName: "command"))
    var sendmail: String?
    @Option(name: .customLong("list-limit"), parsing: .unconditional, help: "The most actions listed per owner and heading; the rest are counted (1 to 10000).")
    var listLimit: Int = 25

    func validate() throws {
        try Reminder.validateWithin(within)
        guard (1...10_000).contains(listLimit) else {
            throw PlanError.invalidValue(field: "list-limit", value: String(listLimit), expected: "a number from 1 to 10000")
        }
        if send && out != nil { throw PlanError.refused("give --out FOLDER or --send, not both") }
        if let url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.contains(where: { $0.isWhitespace }) {
            throw PlanError.invalidValue(field: "url", value: Validation.shown(url), expected: "the server's address, like 'https://planwatch.example.org'")
        }
        do { try UserAccount.validateEmail(sender) } catch {
            throw PlanError.invalidValue(field: "from", value: Validation.shown(sender), expected: "an address like 'planwatch@council.gov.uk'")
        }
    }

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// --from, then PLANWATCH_MAIL_FROM, then planwatch@ the host's name.
    var sender: String {
        if let from { return from }
        if let env = environment["PLANWATCH_MAIL_FROM"], !env.isEmpty { return env }
        let host = ProcessInfo.processInfo.hostName
        return "planwatch@" + (host.contains(".") ? host : host + ".localdomain")
    }

    func run(context: Context) throws {
        let asOf = try list.date(today: context.today)
        let names = splitList(users)
        let reminders = try context.store.reminders(asOf: asOf, within: within, users: names.isEmpty ? nil : names)
        let envelope = ReminderMail.Envelope(from: sender, baseURL: url, listLimit: listLimit)
        let stamp = String(Int(envelope.date.timeIntervalSince1970))
        func message(_ r: Reminder) -> String { ReminderMail.message(r, envelope: envelope, id: "remind.\(asOf.iso).\(r.user.name).\(stamp)") }

        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for r in reminders {
                let path = (out as NSString).appendingPathComponent("\(r.user.name).eml")
                do {
                    try Data(message(r).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw PlanError.refused("cannot write \(path): \(error.localizedDescription)")
                }
            }
            context.done("Wrote \(counted(reminders.count)) to \(out)")
        } else if send {
            let command = (sendmail ?? environment["PLANWATCH_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/sbin/sendmail")
                .split(whereSeparator: \.isWhitespace).map(String.init)
            for (index, r) in reminders.enumerated() {
                do {
                    try Sendmail.deliver(message(r), to: r.user.email, from: sender, command: command)
                } catch let failure as Sendmail.Failure {
                    throw PlanError.refused("\(failure) for \(r.user.name) <\(r.user.email)>; \(counted(index)) sent before it")
                }
            }
            context.done("Sent \(counted(reminders.count))")
        } else if list.format == .json {
            context.print(try JSONOutput.encode(reminders))
        } else {
            var table = Table(columns: [.init("user"), .init("email"), .init("role"), .init("subject", wrap: true)])
            for r in reminders { table.append([r.user.name, r.user.email, r.user.role.rawValue, ReminderMail.subject(r)]) }
            context.emit(table, format: list.format, empty: "(nobody has anything due)")
        }
    }

    func counted(_ count: Int) -> String { "\(count) reminder\(count == 1 ? "" : "s")" }
}

/// Hands a message to the system's mail transfer agent, as every Unix mailer
/// does: `sendmail -i -f SENDER -- RECIPIENT` with the message on standard input.
enum Sendmail {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func deliver(_ message: String, to recipient: String, from sender: String, command: [String]) throws {
        guard let program = command.first else { throw Failure(description: "no sendmail command") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.contains("/") ? program : "/usr/bin/env")
        process.arguments = (program.contains("/") ? [] : [program]) + command.dropFirst() + ["-i", "-f", sender, "--", recipient]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run \(program) (install msmtp-mta or postfix, or give --sendmail)")
        }
        // A sendmail that stops reading early must not end planwatch with SIGPIPE: its exit status says what went wrong.
        signal(SIGPIPE, SIG_IGN)
        let writer = input.fileHandleForWriting
        let bytes = Array(message.utf8)
        Thread.detachNewThread {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Foundation.write(writer.fileDescriptor, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                sent += n
            }
            try? writer.close()
        }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // env's own status for a program it cannot find or run.
        if process.terminationStatus == 126 || process.terminationStatus == 127, !program.contains("/") {
            throw Failure(description: "cannot run \(program) (install msmtp-mta or postfix, or give --sendmail)")
        }
        guard process.terminationStatus == 0 else {
            let line = said.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            throw Failure(description: "\(program) failed (exit \(process.terminationStatus))" + (line.isEmpty ? "" : ": \(line)"))
        }
    }
}
