import Foundation

/// A day on the calendar, with no time of day and no time zone.
///
/// Deadlines, publication dates and review dates are calendar dates: an action
/// due on 2025-03-31 is due on that day wherever the reader is. Arithmetic is
/// done on a day count (days since 1970-01-01 in the proleptic Gregorian
/// calendar), so there are no daylight-saving or time-zone surprises.
public struct CalendarDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or returns nil when the day does not exist (2025-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date written in the code, known to exist (no check, no optional).
    init(known year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01 (negative before it).
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses the stored form from UTF-8 bytes (as SQLite hands them over).
    package init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var parts = (0, 0, 0)
        for (index, range) in [0..<4, 5..<7, 8..<10].enumerated() {
            var value = 0
            for position in range {
                let digit = Int(bytes[position]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            switch index {
            case 0: parts.0 = value
            case 1: parts.1 = value
            default: parts.2 = value
            }
        }
        self.init(year: parts.0, month: parts.1, day: parts.2)
    }

    /// Parses the stored form, `YYYY-MM-DD`, and nothing else.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ CalendarDate(isoBytes: $0) }) else { return nil }
        self = date
    }

    /// The stored form, `YYYY-MM-DD`.
    public var iso: String {
        guard (0...9999).contains(year) else { return String(year) + "-" + String(month) + "-" + String(day) }
        // Written straight into the string's own storage: ten bytes make a small string, so no allocation at all
        // (a report prints several dates a row, at national scale millions).
        return String(unsafeUninitializedCapacity: 10) { bytes in
            writeISO(into: bytes)
            return 10
        }
    }

    /// The stored form's bytes, as `iso` writes them, handed to `body` with
    /// no string made: what a report writes straight into its row.
    public func withISO(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard (0...9999).contains(year) else {
            var text = iso
            return text.withUTF8(body)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { bytes in
            writeISO(into: bytes)
            body(UnsafeBufferPointer(rebasing: bytes[0..<10]))
        }
    }

    /// `YYYY-MM-DD` into the first ten of `bytes`, for a year from 0 to 9999.
    @inline(__always)
    private func writeISO(into bytes: UnsafeMutableBufferPointer<UInt8>) {
        let (year, month, day) = (self.year, self.month, self.day)
        bytes[0] = UInt8(48 + year / 1000); bytes[1] = UInt8(48 + year / 100 % 10)
        bytes[2] = UInt8(48 + year / 10 % 10); bytes[3] = UInt8(48 + year % 10)
        bytes[4] = UInt8(ascii: "-"); bytes[5] = UInt8(48 + month / 10); bytes[6] = UInt8(48 + month % 10)
        bytes[7] = UInt8(ascii: "-"); bytes[8] = UInt8(48 + day / 10); bytes[9] = UInt8(48 + day % 10)
    }

    public var description: String { iso }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// The same day `months` months later, clamped to the month's last day.
    public func adding(months: Int) -> CalendarDate {
        addingIfValid(months: months) ?? self
    }

    /// The same day `months` months later, clamped to the month's last day;
    /// nil when that falls outside years 1–9999.
    public func addingIfValid(months: Int) -> CalendarDate? {
        let (sum, overflow) = (year * 12 + (month - 1)).addingReportingOverflow(months)
        guard !overflow, sum >= 12 else { return nil }
        let y = sum / 12, m = sum % 12 + 1
        guard (1...9999).contains(y) else { return nil }
        let d = min(day, CalendarDate.daysIn(month: m, year: y))
        return CalendarDate(year: y, month: m, day: d)
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: CalendarDate) -> Int { other.dayNumber - dayNumber }

    /// The first day of this date's month.
    public var firstOfMonth: CalendarDate { CalendarDate(known: year, month, 1) }

    /// The last day of this date's month.
    public var lastOfMonth: CalendarDate { CalendarDate(known: year, month, CalendarDate.daysIn(month: month, year: year)) }

    /// Calendar order, field by field (the same as by day number, without working the day numbers out:
    /// reports compare dates several times a row).
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The last day of a month (a timescale of "March 2025" means 2025-03-31).
    public static func lastDay(ofMonth month: Int, year: Int) -> CalendarDate? {
        guard (1...12).contains(month) else { return nil }
        return CalendarDate(year: year, month: month, day: daysIn(month: month, year: year))
    }

    /// Today's date on the local calendar of this machine.
    public static func today(calendar: Calendar = .current, now: Date = Date()) -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? CalendarDate(dayNumber: 0)
    }
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not a date in the form YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso)
    }
}
