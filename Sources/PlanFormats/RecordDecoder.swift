import Foundation

/// Decodes one record of a plan file (a JSON object of a few dozen bytes to
/// a few hundred) through the record type's own `init(from:)`, about ten
/// times cheaper than `JSONDecoder`, which spent some 55,000 instructions a
/// record, most of them finding generic metadata: a million-action import
/// decodes millions of records.
///
/// It reads only what it is sure of: plain JSON, integers without a fraction
/// or exponent, valid UTF-8. On anything else, and on any error at all
/// (the record's own refusals included), it gives up (`nil`), and the caller
/// decodes the record with `JSONDecoder`, so every value accepted and every
/// message given stays `JSONDecoder`'s.
enum RecordDecoder {
    /// The record in `bytes`, or nil when `JSONDecoder` must decide.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) -> T? {
        var parser = Parser(bytes: bytes.bindMemory(to: UInt8.self))
        guard let value = try? parser.document() else { return nil }
        return try? T(from: ValueDecoder(value: value))
    }

    /// A parsed JSON value. Numbers keep their text, read as the type asked for.
    enum Value {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Value])
        case object([Member])
    }

    /// An object's member, with its key's `tag` so a lookup compares strings only where the tags agree.
    struct Member {
        let key: String
        let tag: UInt64
        let value: Value
    }

    /// FNV-1a of a key's UTF-8 bytes.
    static func tag(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    static func tag(_ key: String) -> UInt64 {
        var key = key
        return key.withUTF8 { tag($0) }
    }

    struct Refused: Error {}

    /// A strict JSON reader of one value: anything it is not sure of is refused.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func document() throws -> Value {
            let value = try self.value()
            skipSpace()
            guard at == bytes.count else { throw Refused() }
            return value
        }

        private mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        private mutating func value() throws -> Value {
            skipSpace()
            guard at < bytes.count else { throw Refused() }
            switch bytes[at] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            default: return .number(try number())
            }
        }

        private mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { throw Refused() }
            for offset in 0..<count where bytes[at + offset] != word.utf8Start[offset] { throw Refused() }
            at += count
        }

        /// Enters an object or a list at its opening byte: true when it is empty (closed at once).
        private mutating func entered(closedBy closer: UInt8) throws -> Bool {
            depth += 1
            guard depth <= 64 else { throw Refused() }
            at += 1
            skipSpace()
            guard at < bytes.count, bytes[at] == closer else { return false }
            at += 1
            return true
        }

        /// After a member or an item: true at the closing byte, false at a comma (another follows); anything else is refused.
        private mutating func ended(by closer: UInt8) throws -> Bool {
            skipSpace()
            guard at < bytes.count else { throw Refused() }
            let next = bytes[at]
            at += 1
            if next == closer { return true }
            guard next == UInt8(ascii: ",") else { throw Refused() }
            return false
        }

        private mutating func object() throws -> Value {
            defer { depth -= 1 }
            var members: [Member] = []
            if try entered(closedBy: UInt8(ascii: "}")) { return .object(members) }
            repeat {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw Refused() }
                let key = try string()
                let tag = RecordDecoder.tag(key)
                // A key given twice: JSONDecoder decides which counts.
                if members.contains(where: { $0.tag == tag && $0.key == key }) { throw Refused() }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw Refused() }
                at += 1
                members.append(Member(key: key, tag: tag, value: try value()))
            } while try !ended(by: UInt8(ascii: "}"))
            return .object(members)
        }

        private mutating func array() throws -> Value {
            defer { depth -= 1 }
            var items: [Value] = []
            if try entered(closedBy: UInt8(ascii: "]")) { return .array(items) }
            repeat {
                items.append(try value())
            } while try !ended(by: UInt8(ascii: "]"))
            return .array(items)
        }

        /// A string: the bytes between the quotes, escapes resolved; not valid UTF-8, or a lone surrogate, is refused.
        private mutating func string() throws -> String {
            at += 1
            let start = at
            // The common case: no escape.
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    defer { at += 1 }
                    return try validated(UnsafeBufferPointer(rebasing: bytes[start..<at]))
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { throw Refused() }
                at += 1
            }
            var text = Array(bytes[start..<at])
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return try text.withUnsafeBufferPointer { try validated($0) }
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { throw Refused() }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { throw Refused() }
                            at += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw Refused() }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let value = Unicode.Scalar(scalar) else { throw Refused() }
                        text.append(contentsOf: String(Character(value)).utf8)
                    default:
                        throw Refused()
                    }
                default:
                    guard byte >= 0x20 else { throw Refused() }
                    text.append(byte)
                }
            }
            throw Refused()
        }

        private mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw Refused() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                at += 1
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw Refused()
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        private func validated(_ utf8: UnsafeBufferPointer<UInt8>) throws -> String {
            // ASCII (nearly every string) is valid as it stands; only other text is checked, by the standard library's slower, generic check.
            var index = ByteScan.asciiWords(utf8)
            while index < utf8.count, utf8[index] < 0x80 { index += 1 }
            if index == utf8.count { return String(decoding: utf8, as: UTF8.self) }
            guard let text = String(validating: utf8, as: UTF8.self) else { throw Refused() }
            return text
        }

        /// A number as JSON writes one (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), kept as its text.
        private mutating func number() throws -> String {
            let start = at
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            func digits() throws -> Int {
                let from = at
                while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
                guard at > from else { throw Refused() }
                return at - from
            }
            let first = at
            let whole = try digits()
            if whole > 1, bytes[first] == UInt8(ascii: "0") { throw Refused() }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") { at += 1; _ = try digits() }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                _ = try digits()
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        }
    }

    /// A `Decoder` over a parsed value. Errors carry no detail: any error sends the record to `JSONDecoder`.
    struct ValueDecoder: Decoder {
        let value: Value
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case let .object(members) = value else { throw Refused() }
            return KeyedDecodingContainer(Keyed<Key>(members: members))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case let .array(items) = value else { throw Refused() }
            return Unkeyed(items: items)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value) }
    }

    /// Reads a scalar of the type asked for, as `JSONDecoder` would when it succeeds.
    static func scalar<T: Decodable>(_ value: Value, as type: T.Type) throws -> T {
        // A value is handed back as T only where T is its own type (checked first), so the cast is the identity;
        // `as? T` would find Optional<T>'s metadata at run time, for every field of every record.
        switch value {
        case let .string(text):
            if T.self == String.self { return unsafeBitCast(text, to: T.self) }
        case let .bool(flag):
            if T.self == Bool.self { return unsafeBitCast(flag, to: T.self) }
        case let .number(text):
            // Integers only from integer text; a double from any JSON number it can hold.
            if T.self == Int.self, let number = Int(text) { return unsafeBitCast(number, to: T.self) }
            if T.self == Int64.self, let number = Int64(text) { return unsafeBitCast(number, to: T.self) }
            if T.self == Double.self, let number = Double(text), number.isFinite { return unsafeBitCast(number, to: T.self) }
        case .null, .array, .object:
            break
        }
        // Every other scalar (other widths of number, Float) is left to JSONDecoder.
        if T.self == String.self || T.self == Bool.self || T.self == Int.self || T.self == Int64.self || T.self == Double.self
            || T.self == Int8.self || T.self == Int16.self || T.self == Int32.self || T.self == UInt.self || T.self == UInt8.self
            || T.self == UInt16.self || T.self == UInt32.self || T.self == UInt64.self || T.self == Float.self || T.self == Decimal.self {
            throw Refused()
        }
        // Anything else decodes itself from the value (dates, words, lists, nested records).
        return try T(from: ValueDecoder(value: value))
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [Member]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        private func find(_ key: Key) -> Value? {
            let name = key.stringValue
            let tag = RecordDecoder.tag(name)
            for member in members where member.tag == tag && member.key == name { return member.value }
            return nil
        }

        func contains(_ key: Key) -> Bool { find(key) != nil }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let value = find(key) else { throw Refused() }
            if case .null = value { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let value = find(key) else { throw Refused() }
            return try RecordDecoder.scalar(value, as: type)
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard let value = find(key) else { return nil }
            if case .null = value { return nil }
            return try RecordDecoder.scalar(value, as: type)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            guard let value = find(key) else { throw Refused() }
            return try ValueDecoder(value: value).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            guard let value = find(key) else { throw Refused() }
            return try ValueDecoder(value: value).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw Refused() }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Refused() }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [Value]
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [Value]) { self.items = items }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { throw Refused() }
            if case .null = items[currentIndex] { currentIndex += 1; return true }
            return false
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            guard !isAtEnd else { throw Refused() }
            let value = try RecordDecoder.scalar(items[currentIndex], as: type)
            currentIndex += 1
            return value
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            guard !isAtEnd else { throw Refused() }
            defer { currentIndex += 1 }
            return try ValueDecoder(value: items[currentIndex]).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard !isAtEnd else { throw Refused() }
            defer { currentIndex += 1 }
            return try ValueDecoder(value: items[currentIndex]).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { throw Refused() }
    }

    struct Single: SingleValueDecodingContainer {
        let value: Value
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool {
            if case .null = value { return true }
            return false
        }

        func decode<T: Decodable>(_ type: T.Type) throws -> T { try RecordDecoder.scalar(value, as: type) }
    }
}
