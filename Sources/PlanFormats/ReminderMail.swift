import Foundation
import ImprovementPlan

/// A reminder as an Internet message (RFC 5322): plain text in UTF-8,
/// quoted-printable so that no line is longer than 76 characters whatever
/// a title holds, headers in ASCII (a subject with other characters is
/// encoded as RFC 2047 says), marked `Auto-Submitted` (RFC 3834) so that
/// auto-responders do not answer it.
public enum ReminderMail {
    /// Where a message comes from and what its links point at.
    public struct Envelope: Sendable {
        /// The sender's address, `planwatch@council.gov.uk`.
        public var from: String
        /// The server's address (`https://planwatch.example.org`); with it, each action and page is a link.
        public var baseURL: String?
        /// The moment written in the Date header.
        public var date: Date
        /// The right-hand side of Message-IDs: the sender's domain.
        public var domain: String
        /// The most actions listed per owner and heading; the rest are counted ("… and 12 more overdue").
        public var listLimit: Int

        public init(from: String, baseURL: String? = nil, date: Date = Date(), listLimit: Int = 25) {
            self.from = from
            self.listLimit = listLimit
            self.baseURL = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            self.date = date
            self.domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        }
    }

    /// The subject: what waits, in counts. "planwatch: 2 overdue, 3 due by 2027-01-03 (dundee)".
    public static func subject(_ r: Reminder) -> String {
        var parts: [String] = []
        if r.overdueCount > 0 { parts.append("\(r.overdueCount) overdue") }
        if r.dueSoonCount > 0 { parts.append("\(r.dueSoonCount) due by \(r.horizon.iso)") }
        if !r.extensionRequests.isEmpty { parts.append(counted(r.extensionRequests.count, "extension request", "extension requests")) }
        if !r.reviewsDue.isEmpty { parts.append(counted(r.reviewsDue.count, "linking review due", "linking reviews due")) }
        if !r.awaitingSignOff.isEmpty { parts.append(counted(r.awaitingSignOff.count, "completion to sign off", "completions to sign off")) }
        let keys = r.user.role == .officer ? r.partnerships.map(\.partnership) : []
        return "planwatch: " + parts.joined(separator: ", ") + (keys.isEmpty ? "" : " (\(keys.joined(separator: ", ")))")
    }

    /// The body in plain text: a greeting, then each section, then where to act.
    public static func body(_ r: Reminder, baseURL: String?, listLimit: Int = 25) -> String {
        var lines = ["Hello \(r.user.name),", ""]
        func link(_ path: String) -> String { baseURL.map { " \($0)\(path)" } ?? "" }
        func action(_ row: ActionRow, _ detail: String) -> String {
            "    \(row.inspection)/\(row.ref) \(Sanitise.line(row.title)): \(detail)" + link("/actions/\(row.id)")
        }
        switch r.user.role {
        case .officer:
            lines.append("As of \(r.asOf.iso), these actions of your partnership\(r.partnerships.count == 1 ? "" : "s") are overdue or due by \(r.horizon.iso).")
            for partnership in r.partnerships {
                lines += ["", "\(Sanitise.line(partnership.name)) (\(partnership.partnership))" + link("/partnerships/\(partnership.partnership)")]
                for owner in partnership.owners {
                    lines += ["", "  \(Sanitise.line(owner.owner)), \(Sanitise.line(owner.agency))"]
                    for row in owner.overdue.prefix(listLimit) {
                        let days = row.daysOverdue ?? 0
                        lines.append(action(row, "overdue, due \(row.due?.iso ?? "") (\(counted(days, "day", "days")) ago)"))
                    }
                    if owner.overdue.count > listLimit { lines.append("    … and \(owner.overdue.count - listLimit) more overdue") }
                    for row in owner.dueSoon.prefix(listLimit) {
                        let days = row.daysLeft ?? 0
                        lines.append(action(row, "due \(row.due?.iso ?? "")" + (days == 0 ? " (today)" : " (in \(counted(days, "day", "days")))")))
                    }
                    if owner.dueSoon.count > listLimit { lines.append("    … and \(owner.dueSoon.count - listLimit) more due by \(r.horizon.iso)") }
                }
            }
            lines += ["", "Record progress, a completion or a request for more time on each action's page."]
        case .inspector:
            lines.append("As of \(r.asOf.iso), these wait on you.")
            if !r.extensionRequests.isEmpty {
                lines += ["", "Extension requests awaiting your decision" + link("/queue")]
                for p in r.extensionRequests {
                    lines.append("    \(p.reference) \(Sanitise.line(p.title)): \(p.request.from.iso) → \(p.request.to.iso), asked by \(Sanitise.line(p.request.requestedBy)) on \(p.request.requestedAt.prefix(10)): \(Sanitise.line(p.request.reason))")
                }
            }
            if !r.reviewsDue.isEmpty {
                lines += ["", "Linking reviews due by \(r.horizon.iso)"]
                for row in r.reviewsDue {
                    let when = row.nextReview.map { row.followUpOverdue ? "was due \($0.iso) (overdue)" : "due \($0.iso)" } ?? "no review recorded"
                    lines.append("    \(Sanitise.line(row.name)) (\(row.partnership)): \(when)" + link("/partnerships/\(row.partnership)"))
                }
            }
            if !r.awaitingSignOff.isEmpty {
                lines += ["", "Completions awaiting your sign-off" + link("/queue")]
                for row in r.awaitingSignOff { lines.append(action(row, "complete, owner \(Sanitise.line(row.owner))")) }
            }
        case .admin:
            break
        }
        lines += ["", "-- ", "Sent by planwatch remind. Ask your planwatch administrator to change who receives these."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The whole message, headers and body, with CRLF line ends as RFC 5322 requires.
    public static func message(_ r: Reminder, envelope: Envelope, id: String) -> String {
        let headers = [
            "From: planwatch <\(envelope.from)>",
            // A login name may hold a dot, which a display name may carry only quoted.
            "To: \"\(r.user.name)\" <\(r.user.email)>",
            "Subject: \(encodedHeader(subject(r)))",
            "Date: \(rfc5322Date(envelope.date))",
            "Message-ID: <\(id)@\(envelope.domain)>",
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        let body = quotedPrintable(body(r, baseURL: envelope.baseURL, listLimit: envelope.listLimit))
        return (headers.map(folded) + [""]).joined(separator: "\r\n") + "\r\n" + body
    }

    /// A header line folded (RFC 5322 section 2.2.3) before a space wherever it would pass 78 characters;
    /// a word longer than a line is left whole (the limit of 998 is far off).
    public static func folded(_ header: String) -> String {
        var lines: [String] = []
        var current = ""
        for line in header.components(separatedBy: "\r\n") {
            for (index, word) in line.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                if index == 0 && !current.isEmpty { lines.append(current); current = "" }
                if index == 0 { current = String(word); continue }
                if current.count + 1 + word.count > 78, !current.allSatisfy({ $0 == " " }) {
                    lines.append(current)
                    current = " " + word
                } else {
                    current += " " + word
                }
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// "Sun, 06 Dec 2026 02:30:00 +0000".
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// A header value as it is when it is printable ASCII, else one RFC 2047 encoded word per 45 bytes of UTF-8
    /// (each within the 75 characters an encoded word may take), folded onto continuation lines.
    public static func encodedHeader(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045 section 6.7): lines end CRLF, no encoded line is longer than 76 characters,
    /// every byte outside printable ASCII (and `=`, and a space or tab ending a line) is `=XX`.
    public static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\n") ? 1 : 0) {
            let bytes = Array(line.utf8).filter { $0 != UInt8(ascii: "\r") }
            var width = 0
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let plain = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !last)
                let piece = plain ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                // A soft break (`=` at the end) keeps every line within 76 characters.
                if width + piece.count > 75 {
                    output += Array("=\r\n".utf8)
                    width = 0
                }
                output += piece
                width += piece.count
            }
            output += Array("\r\n".utf8)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func counted(_ count: Int, _ one: String, _ many: String) -> String {
        "\(count) \(count == 1 ? one : many)"
    }
}
