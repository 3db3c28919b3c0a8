import ImprovementPlan

/// A record whose audit value is written directly as canonical JSON.
///
/// The audit trail stores each record's before and after values as JSON with
/// sorted keys and unescaped slashes. Foundation's `JSONEncoder` produces it,
/// but a bulk import writes hundreds of thousands of entries and the encoder
/// was the largest single cost of each row. The records written in bulk
/// (actions, progress updates, extensions, findings) write themselves here,
/// byte for byte as the encoder would (`AuditJSONTests` compares the two on
/// every field, present and absent, and on hostile text); every other record
/// still goes through the encoder.
protocol AuditJSONRepresentable {
    var auditJSON: String { get }
}

/// A JSON object written key by key. Callers give the keys in the encoder's
/// sorted order (bytewise) and leave out absent optionals, as synthesized
/// `Codable` conformances do.
struct CanonicalJSON {
    private var bytes: [UInt8] = []
    private var empty = true

    init() {
        bytes.reserveCapacity(384)
        bytes.append(UInt8(ascii: "{"))
    }

    var text: String {
        var out = bytes
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func key(_ name: StaticString) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string: quote and backslash escaped, control characters as the
    /// encoder writes them (`\n`, `\t`, … or `\u00XX`), everything else as is.
    private mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              CanonicalJSON.hex[Int(byte >> 4)], CanonicalJSON.hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func number<I: BinaryInteger>(_ value: I) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        if let value { field(name, value) }
    }

    mutating func field<I: BinaryInteger>(_ name: StaticString, _ value: I) {
        key(name)
        number(value)
    }

    mutating func field<I: BinaryInteger>(_ name: StaticString, _ value: I?) {
        if let value { field(name, value) }
    }

    mutating func field(_ name: StaticString, _ value: CalendarDate?) {
        if let value { field(name, value.iso) }
    }

    mutating func field<V: Vocabulary>(_ name: StaticString, _ value: V?) {
        if let value { field(name, value.rawValue) }
    }

    mutating func field(_ name: StaticString, _ values: [String]) { list(name, values) { $0.string($1) } }

    mutating func field(_ name: StaticString, _ values: [Int]) { list(name, values) { $0.number($1) } }

    private mutating func list<T>(_ name: StaticString, _ values: [T], _ element: (inout CanonicalJSON, T) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

// The keys below are each type's stored properties in bytewise order, as
// `JSONEncoder` with `.sortedKeys` writes them.

extension Action: AuditJSONRepresentable {
    var auditJSON: String {
        var json = CanonicalJSON()
        json.field("agency", agency)
        json.field("completed", completed)
        json.field("created", created)
        json.field("description", description)
        json.field("due", due)
        json.field("evidence", evidence)
        json.field("findings", findings)
        json.field("id", id)
        json.field("inspection", inspection)
        json.field("measure", measure)
        json.field("originalDue", originalDue)
        json.field("owner", owner)
        json.field("percent", percent)
        json.field("ref", ref)
        json.field("selfAssessed", selfAssessed)
        json.field("selfAssessment", selfAssessment)
        json.field("start", start)
        json.field("status", status)
        json.field("supportingAgencies", supportingAgencies)
        json.field("title", title)
        return json.text
    }
}

// The trail keeps the names its first entries were written with: an update's
// `author` (`actor` everywhere else) and a review's `next` (`nextReview`), so
// that every record still matches the entries recorded before the rename.

extension ProgressUpdate: AuditJSONRepresentable {
    var auditJSON: String {
        var json = CanonicalJSON()
        json.field("action", action)
        json.field("author", author)
        json.field("date", date)
        json.field("evidence", evidence)
        json.field("note", note)
        json.field("percent", percent)
        json.field("status", status)
        return json.text
    }
}

extension DeadlineExtension: AuditJSONRepresentable {
    var auditJSON: String {
        var json = CanonicalJSON()
        json.field("action", action)
        json.field("agreedBy", agreedBy)
        json.field("from", from)
        json.field("reason", reason)
        json.field("recorded", recorded)
        json.field("to", to)
        return json.text
    }
}

extension Finding: AuditJSONRepresentable {
    var auditJSON: String {
        var json = CanonicalJSON()
        json.field("id", id)
        json.field("inspection", inspection)
        json.field("kind", kind)
        json.field("number", number)
        json.field("qi", qi)
        json.field("text", text)
        json.field("themes", themes)
        return json.text
    }
}

extension PlanFile.Review: AuditJSONRepresentable {
    var auditJSON: String {
        var json = CanonicalJSON()
        json.field("actions", actions)
        json.field("confidence", confidence)
        json.field("date", date)
        json.field("inspector", inspector)
        json.field("kind", kind)
        json.field("next", next)
        json.field("partnership", partnership)
        json.field("summary", summary)
        return json.text
    }
}
