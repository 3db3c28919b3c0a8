import ImprovementPlan

/// iCalendar (RFC 5545) for owners' calendars: one all-day event on each
/// open action's current deadline.
///
/// Lines end CRLF and are folded at 75 octets without splitting a
/// character; text is escaped. Each event's UID comes from the action's
/// natural key (`inspection/ref`), so importing a newer export updates the
/// event instead of adding a second one, and SEQUENCE counts the deadline's
/// extensions so calendars take the moved date.
public enum ICalendar {
    /// One event's content.
    public struct Entry: Sendable {
        public var action: Action
        public var row: ActionRow
        public var extensions: Int

        public init(action: Action, row: ActionRow, extensions: Int) {
            self.action = action; self.row = row; self.extensions = extensions
        }
    }

    /// Escapes TEXT values: backslash, semicolon, comma and line breaks.
    public static func escape(_ text: String) -> String {
        var output = ""
        for scalar in Sanitise.block(text).unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case ";": output += "\\;"
            case ",": output += "\\,"
            case "\n": output += "\\n"
            case "\r": continue
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Folds a content line at 75 octets, continuing with CRLF and a space.
    public static func fold(_ line: String) -> String {
        var output = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                output += "\r\n "
                octets = 1
            }
            output.append(character)
            octets += size
        }
        return output + "\r\n"
    }

    static func compact(_ date: CalendarDate) -> String { date.iso.replacingOccurrences(of: "-", with: "") }

    /// A stable UID from an action's natural key: only letters, digits, `.`, `-` kept.
    static func uid(_ action: Action) -> String {
        let key = action.qualifiedRef.unicodeScalars.map { scalar -> String in
            let c = Character(scalar)
            return (c.isASCII && (c.isLetter || c.isNumber)) || c == "." || c == "-" ? String(c) : "_"
        }.joined()
        return "\(key)@planwatch"
    }

    /// The calendar. `stamp` is the DTSTAMP in UTC, `YYYYMMDDTHHMMSSZ`.
    public static func render(_ entries: [Entry], stamp: String, name: String) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//planwatch//planwatch \(PlanFormatsInfo.version)//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(name))"]
        for entry in entries {
            guard let due = entry.action.due, entry.action.status.isOpen else { continue }
            let a = entry.action, row = entry.row
            var description = ["Owner: \(a.owner)", "Lead agency: \(a.agency)", "Partnership: \(row.partnership)",
                               "Status: \(a.status.rawValue), \(a.percent)%"]
            if let original = a.originalDue, original != due { description.append("Original deadline: \(original)") }
            if let measure = a.measure { description.append("Measure of success: \(measure)") }
            lines += [
                "BEGIN:VEVENT",
                "UID:\(uid(a))",
                "DTSTAMP:\(stamp)",
                "DTSTART;VALUE=DATE:\(compact(due))",
                "DTEND;VALUE=DATE:\(compact(due.adding(days: 1)))",
                "SEQUENCE:\(entry.extensions)",
                "SUMMARY:\(escape("Due: \(a.title) (\(a.qualifiedRef))"))",
                "DESCRIPTION:\(escape(description.joined(separator: "\n")))",
                "CATEGORIES:\(escape(row.rag.rawValue.uppercased()))",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined()
    }
}
