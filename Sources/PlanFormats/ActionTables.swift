import ImprovementPlan

/// One row's cells as UTF-8 bytes in one buffer that is used again for
/// the next row: a national report writes a million rows, and an array of
/// strings for each (its numbers and dates made strings, its flags joined)
/// cost more than SQLite spent reading the row. A `RowLayout` writes a row's
/// cells here; the CSV and the text table copy them out as bytes, and
/// `strings` gives them as strings for everything else. A buffer, so a
/// class: one is made for a stream of rows and each row is written over the last.
public final class RowCells {
    /// The cells' bytes, one after another; `ends[i]` is where cell `i` ends,
    /// in memory of its own that doubles (as the bytes' `ByteBuffer`).
    /// Not checked for exclusive access at run time (a check on every append
    /// cost a tenth of a report's row): a `RowCells` is written and read by one
    /// caller at a time, inside one call, and never shared.
    private let bytes = ByteBuffer()
    @exclusivity(unchecked) private var ends = PlainArray<Int>()
    /// How many cells the row has.
    public var count: Int { ends.count }
    /// The positions (as the whole layout numbers its cells) left out: `RowLayout.without`.
    @exclusivity(unchecked) private var leftOut: UInt64 = 0
    /// The position of the next cell written, kept or not.
    @exclusivity(unchecked) private var position = 0
    /// The cells (by index, the first 64) known to be plain: printable ASCII with no comma, quote or
    /// leading formula character (a number of no sign, a day, the flags), which CSV and the table need not look at.
    @exclusivity(unchecked) private var plain: UInt64 = 0

    public init() {}

    deinit { ends.release() }

    /// Empties the buffer for a row whose cells at the positions in `leftOut` are left out.
    func start(leavingOut leftOut: UInt64) {
        bytes.removeAll()
        ends.removeAll()
        self.leftOut = leftOut
        position = 0
        plain = 0
    }

    /// Whether the next cell is kept; moves past it.
    @inline(__always)
    private func keeps() -> Bool {
        defer { position += 1 }
        return position >= 64 || leftOut & (1 << UInt64(position)) == 0
    }

    @inline(__always)
    private func append(_ utf8: UnsafeBufferPointer<UInt8>) { bytes.append(utf8) }

    @inline(__always)
    private func append(_ byte: UInt8) { bytes.append(byte) }

    /// Ends the cell whose bytes were appended, known to be plain (see `plain`) or not.
    @inline(__always)
    private func end(plain known: Bool = false) {
        if known, count < 64 { plain |= 1 << UInt64(count) }
        ends.append(bytes.count)
    }

    /// A cell of text, as it is.
    public func text(_ value: String) {
        guard keeps() else { return }
        var value = value
        value.withUTF8 { append($0) }
        end()
    }

    /// A whole number, as `String(value)` writes it.
    public func number(_ value: Int64) {
        guard keeps() else { return }
        let negative = value < 0
        if negative { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // The digits, last first, at the end of twenty bytes (enough for any UInt64), then copied in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var at = 20
            repeat {
                at -= 1
                digits[at] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(UnsafeBufferPointer(rebasing: digits[at...]))
        }
        end(plain: !negative)
    }

    /// A whole number, as `String(value)` writes it.
    public func number(_ value: Int) { number(Int64(value)) }

    /// A whole number, or an empty cell for none.
    public func number(_ value: Int?) {
        if let value { number(Int64(value)) } else { text("") }
    }

    /// A day as `CalendarDate.iso` writes it, or `none` for no day.
    public func date(_ value: CalendarDate?, none: String = "") {
        guard let value else { return text(none) }
        guard keeps() else { return }
        // Digits and dashes: plain unless the year is before year 0 and the day begins with its minus.
        var plain = true
        value.withISO { utf8 in
            append(utf8)
            plain = utf8.first != UInt8(ascii: "-")
        }
        end(plain: plain)
    }

    /// The flags' names, a space between each (`without` left out).
    public func flags(_ flags: ActionFlags, without: ActionFlag? = nil) {
        guard keeps() else { return }
        var first = true
        for flag in flags where flag != without {
            if !first { append(UInt8(ascii: " ")) }
            first = false
            var name = flag.rawValue
            name.withUTF8 { append($0) }
        }
        // Lower-case words joined by dashes and spaces: plain.
        end(plain: true)
    }

    /// Every cell's bytes in turn (valid only inside `body`), and whether it is known to be plain (see `plain`).
    func forEachCell(_ body: (Int, UnsafeBufferPointer<UInt8>, Bool) throws -> Void) rethrows {
        guard let base = bytes.bytes().baseAddress else { return }
        var start = 0
        for index in 0..<count {
            let end = ends.base[index]
            try body(index, UnsafeBufferPointer(start: base + start, count: end - start), index < 64 && plain & (1 << UInt64(index)) != 0)
            start = end
        }
    }

    /// The cells as strings.
    public var strings: [String] {
        var cells: [String] = []
        cells.reserveCapacity(count)
        forEachCell { _, bytes, _ in cells.append(String(decoding: bytes, as: UTF8.self)) }
        return cells
    }
}

/// Which columns a listing of actions shows and how each row fills them.
/// The same layout makes the text table, the Markdown table and the
/// streamed CSV, so a column means the same thing in every format.
public struct RowLayout: Sendable {
    public var columns: [Table.Column]
    /// Writes a row's cells, every one of the whole layout's, in order.
    private let write: @Sendable (ActionRow, RowCells) -> Void
    /// The positions of the whole layout's cells that this one leaves out (`without`).
    private let leftOut: UInt64

    /// A layout whose rows are made as strings.
    public init(columns: [Table.Column], cells: @escaping @Sendable (ActionRow) -> [String]) {
        self.init(columns: columns) { row, out in for cell in cells(row) { out.text(cell) } }
    }

    /// A layout that writes each row's cells into a `RowCells`, with no string made for a number, a day or the flags.
    public init(columns: [Table.Column], write: @escaping @Sendable (ActionRow, RowCells) -> Void) {
        self.init(columns: columns, write: write, leftOut: 0)
    }

    private init(columns: [Table.Column], write: @escaping @Sendable (ActionRow, RowCells) -> Void, leftOut: UInt64) {
        self.columns = columns
        self.write = write
        self.leftOut = leftOut
    }

    /// A row's cells, written into `cells` (what was there before is gone).
    public func write(_ row: ActionRow, into cells: RowCells) {
        cells.start(leavingOut: leftOut)
        write(row, cells)
    }

    /// A row's cells as strings.
    public var cells: @Sendable (ActionRow) -> [String] {
        { [self] row in
            let cells = RowCells()
            write(row, into: cells)
            return cells.strings
        }
    }

    public func table(_ rows: [ActionRow]) -> Table {
        Table(columns: columns, rows: rows.map(cells))
    }

    /// The same layout without one column (a section already headed by it).
    public func without(_ key: String) -> RowLayout {
        guard let index = columns.firstIndex(where: { $0.key == key }) else { return self }
        // The column's position among all the layout's cells: past those already left out.
        var position = 0, kept = 0
        while position < 64 {
            if leftOut & (1 << UInt64(position)) == 0 {
                if kept == index { break }
                kept += 1
            }
            position += 1
        }
        guard position < 64 else { return self }
        var columns = self.columns
        columns.remove(at: index)
        return RowLayout(columns: columns, write: write, leftOut: leftOut | (1 << UInt64(position)))
    }

    /// The due cell of an action with no deadline.
    static let noDeadline = "no deadline"

    /// `action list`: every action with its RAG, the owner's own RAG, and flags.
    /// On a narrow terminal: agency, flags, own RAG, partnership, status and % go first, in that order.
    public static let list = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 3), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 6), .init("due"), .init("status", drop: 2),
        .init("%", alignRight: true, drop: 1), .init("rag", isRAG: true), .init("selfRag", title: "Own RAG", drop: 4),
        .init("flags", wrap: true, drop: 5),
    ]) { row, out in
        out.number(row.id); out.text(row.partnership); out.text(row.ref); out.text(row.title); out.text(row.owner)
        out.text(row.agency); out.date(row.due, none: noDeadline); out.text(row.status.rawValue); out.number(row.percent)
        out.text(row.rag.rawValue); out.text(row.selfAssessment?.rawValue ?? ""); out.flags(row.flags)
    }

    /// `report overdue`: days overdue, ageing, both deadlines, last update.
    public static let overdue = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 6), .init("due"), .init("originalDue", drop: 4),
        .init("daysOverdue", alignRight: true), .init("ageing", drop: 3), .init("lastUpdate", drop: 2), .init("flags", wrap: true, drop: 5),
    ]) { row, out in
        out.number(row.id); out.text(row.partnership); out.text(row.ref); out.text(row.title); out.text(row.owner)
        out.text(row.agency); out.date(row.due, none: noDeadline); out.date(row.originalDue); out.number(row.daysOverdue)
        out.text(row.ageing?.rawValue ?? ""); out.date(row.lastUpdate); out.flags(row.flags, without: .overdue)
    }

    /// `report due-soon`: what falls due next.
    public static let dueSoon = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 5), .init("due"), .init("daysLeft", alignRight: true),
        .init("status", drop: 2), .init("%", alignRight: true), .init("lastUpdate", drop: 3), .init("flags", wrap: true, drop: 4),
    ]) { row, out in
        out.number(row.id); out.text(row.partnership); out.text(row.ref); out.text(row.title); out.text(row.owner)
        out.text(row.agency); out.date(row.due, none: noDeadline); out.number(row.daysLeft); out.text(row.status.rawValue)
        out.number(row.percent); out.date(row.lastUpdate); out.flags(row.flags, without: .dueSoon)
    }

    /// `report stale`: how long each open action has gone without an update.
    public static let stale = RowLayout(columns: [
        .init("id", alignRight: true), .init("partnership", drop: 1), .init("ref"), .init("title", wrap: true, minWidth: 24),
        .init("owner", wrap: true), .init("agency", wrap: true, drop: 5), .init("due", drop: 4), .init("status", drop: 3),
        .init("%", alignRight: true, drop: 2), .init("lastUpdate"), .init("daysSinceUpdate", title: "Days idle", alignRight: true),
        .init("rag", isRAG: true),
    ]) { row, out in
        out.number(row.id); out.text(row.partnership); out.text(row.ref); out.text(row.title); out.text(row.owner)
        out.text(row.agency); out.date(row.due, none: noDeadline); out.text(row.status.rawValue); out.number(row.percent)
        out.date(row.lastUpdate, none: "never"); out.number(row.daysSinceUpdate); out.text(row.rag.rawValue)
    }

    /// The overdue part of an owner's section of `report owners`: days overdue.
    public static let ownerOverdue = ownerSection("daysOverdue") { $0.daysOverdue }

    /// The due-soon and other open parts of an owner's section: days left to the deadline.
    public static let ownerOpen = ownerSection("daysLeft") { $0.daysLeft }

    /// An owner's section, the partnership and action named, with one column of days.
    static func ownerSection(_ daysKey: String, _ days: @escaping @Sendable (ActionRow) -> Int?) -> RowLayout {
        RowLayout(columns: [
            .init("id", alignRight: true), .init("partnership", drop: 3), .init("ref"), .init("title", wrap: true, minWidth: 24), .init("due"),
            .init(daysKey, alignRight: true), .init("status", drop: 2), .init("%", alignRight: true, drop: 1), .init("rag", isRAG: true),
        ]) { row, out in
            out.number(row.id); out.text(row.partnership); out.text(row.ref); out.text(row.title)
            out.date(row.due, none: noDeadline); out.number(days(row)); out.text(row.status.rawValue); out.number(row.percent)
            out.text(row.rag.rawValue)
        }
    }

    /// `report owners --format csv`: one row per open action, owner first;
    /// `days` is days overdue in the overdue section, days left in the others.
    public static let ownerCSV = RowLayout(columns: [
        .init("owner"), .init("agency"), .init("section"), .init("id"), .init("partnership"), .init("ref"), .init("title"),
        .init("due"), .init("daysOverdue"), .init("daysLeft"), .init("status"), .init("percent"), .init("rag"),
    ]) { row, out in
        out.text(row.owner); out.text(row.agency); out.text(OwnerDigest.section(of: row).rawValue); out.number(row.id)
        out.text(row.partnership); out.text(row.ref); out.text(row.title); out.date(row.due, none: noDeadline)
        out.number(row.daysOverdue); out.number(row.daysLeft); out.text(row.status.rawValue); out.number(row.percent)
        out.text(row.rag.rawValue)
    }
}
