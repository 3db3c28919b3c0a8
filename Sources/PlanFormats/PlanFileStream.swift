import Foundation
import ImprovementPlan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plan file read from its bytes one record at a time (docs/plan-file.md).
///
/// Opening it checks the whole document's JSON syntax, its format and its
/// version, and notes where each list lies; `forEach` then decodes that
/// list's records one by one. A file of a million actions is never held in
/// memory whole, decoded or not: the bytes come through a window that slides
/// over the file, and only the record being imported is decoded.
public final class PlanFileStream: PlanFileRecords {
    /// The name problems are reported under (the path as given).
    public let name: String
    private let source: ByteWindow
    /// Where each top-level key's value lies in the file.
    private var sections: [String: Range<Int>] = [:]
    private let decoder = JSONDecoder()
    /// Bytes read from the file at a time (a record longer than this widens the window).
    public static let chunk = 1 << 22

    /// Opens the plan file at `path`, reading it `chunk` bytes at a time.
    public convenience init(path: String, chunk: Int = PlanFileStream.chunk) throws {
        try self.init(source: try ByteWindow(path: path, chunk: chunk), name: path)
    }

    /// Reads a plan file already in memory (a seed compiled into the binary);
    /// given a chunk, through the same sliding window as a file.
    public convenience init(bytes: [UInt8], name: String, chunk: Int? = nil) throws {
        try self.init(source: ByteWindow(bytes: bytes, chunk: chunk), name: name)
    }

    private init(source: ByteWindow, name: String) throws {
        self.source = source
        self.name = name
        do {
            try readTopLevel()
        } catch let problem as FileProblem {
            throw refused(problem.message)
        }
    }

    /// The most bytes the window has held at once (for the tests: it must stay near `chunk`).
    var windowCapacity: Int { source.capacity }

    public func forEach<Record>(_ section: PlanFile.Section<Record>, _ body: (Int, Record) throws -> Void) throws {
        do {
            try records(section, body)
        } catch let problem as FileProblem {
            throw refused(problem.message)
        }
    }

    private func records<Record>(_ section: PlanFile.Section<Record>, _ body: (Int, Record) throws -> Void) throws {
        guard let range = sections[section.key] else { return }
        var scanner = JSONScanner(source, at: range.lowerBound)
        if try scanner.skipNull() { return }
        guard try scanner.peek() == UInt8(ascii: "[") else { throw refused("\(section.key): expected a list") }
        scanner.advance()
        var index = 0
        while true {
            try scanner.skipWhitespace()
            if index == 0, try scanner.peek() == UInt8(ascii: "]") { return }
            let start = scanner.position
            source.keep(from: start)
            // Its keys were checked when the document was read (`readTopLevel`): here only its end is found.
            try scanner.skipValue(checkingKeys: false)
            let record: Record
            do {
                record = try source.withBytes(start..<scanner.position) { data in
                    // The common record through the quick decoder; anything it is not sure of, and every error, through JSONDecoder.
                    try data.withUnsafeBytes { RecordDecoder.decode(Record.self, from: $0) } ?? decoder.decode(Record.self, from: data)
                }
            } catch let error as DecodingError {
                throw refused(PlanFileStream.describe(error, at: "\(section.key)[\(index)]"))
            }
            try body(index, record)
            index += 1
            try scanner.skipWhitespace()
            let next = try scanner.take()
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw scanner.syntaxError("expected ',' or ']'", at: scanner.position - 1) }
        }
    }

    /// Checks the document and notes where each key's value lies.
    private func readTopLevel() throws {
        var scanner = JSONScanner(source, at: 0)
        scanner.skipByteOrderMark()
        try scanner.skipWhitespace()
        guard try scanner.peek() == UInt8(ascii: "{") else {
            if scanner.atEnd() { throw FileProblem("not valid JSON (the file is empty)") }
            try scanner.skipValue()
            throw refused("the document: expected an object")
        }
        scanner.advance()
        var values: [String: Range<Int>] = [:]
        try scanner.skipWhitespace()
        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.advance()
        } else {
            while true {
                try scanner.skipWhitespace()
                source.keep(from: scanner.position)
                let key = try scanner.readKey()
                try scanner.skipWhitespace()
                // Nothing of a top-level value is kept: a section is read again when imported.
                source.keepNothing()
                let start = scanner.position
                try scanner.skipValue()
                if values[key] != nil { throw refused("\(key): given twice") }
                values[key] = start..<scanner.position
                try scanner.skipWhitespace()
                let next = try scanner.take()
                if next == UInt8(ascii: "}") { break }
                guard next == UInt8(ascii: ",") else { throw scanner.syntaxError("expected ',' or '}'", at: scanner.position - 1) }
            }
        }
        try scanner.skipWhitespace()
        guard scanner.atEnd() else { throw scanner.syntaxError("more text after the document's end", at: scanner.position) }

        let format: String = try value(of: "format", in: values)
        guard format == PlanFile.formatName else {
            throw refused("format: format is '\(format)', expected '\(PlanFile.formatName)'")
        }
        let version: Int = try value(of: "version", in: values)
        guard version >= 1 else { throw refused("version: '\(version)' is not a plan-file version (versions start at 1)") }
        guard version <= PlanFile.currentVersion else {
            throw refused("version: version \(version) is newer than this planwatch reads (\(PlanFile.currentVersion))")
        }
        sections = values
    }

    /// A required top-level value, decoded.
    private func value<T: Decodable>(of key: String, in values: [String: Range<Int>]) throws -> T {
        guard let range = values[key] else { throw refused("\(key): is required") }
        do {
            return try source.withBytes(range) { try decoder.decode(T.self, from: $0) }
        } catch let error as DecodingError {
            throw refused(PlanFileStream.describe(error, at: key))
        }
    }

    private func refused(_ problem: String) -> PlanError { PlanError.refused("\(name): \(problem)") }

    // MARK: Describing decoding problems

    /// One line for a record that is valid JSON but not the record expected,
    /// naming where in the file: `actions[12].due: '2022-02-30' is not a date`.
    static func describe(_ error: DecodingError, at prefix: String) -> String {
        switch error {
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty, let underlying = context.underlyingError {
                return "\(prefix): not valid JSON (\(underlying.localizedDescription))"
            }
            return "\(path(prefix, context.codingPath)): \(context.debugDescription)"
        case let .keyNotFound(key, context):
            return "\(path(prefix, context.codingPath + [key])): is required"
        case let .typeMismatch(type, context):
            return "\(path(prefix, context.codingPath)): expected \(typeName(type))"
        case let .valueNotFound(type, context):
            return "\(path(prefix, context.codingPath)): expected \(typeName(type)), found null"
        @unknown default:
            return "\(prefix): \(error)"
        }
    }

    static func path(_ prefix: String, _ codingPath: [any CodingKey]) -> String {
        var text = prefix
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "the document" : text
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

/// A problem with the file's bytes, reported under the file's name.
struct FileProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The bytes of a file seen through a window that moves forward as they are
/// read; bytes from the last `keep` mark on stay in the window, so one whole
/// record can be handed to the decoder. Sections are read in the order an
/// import needs them, so the window can also jump back (`pread` at any offset).
final class ByteWindow {
    /// Where bytes come from: all in memory already, a file read with `pread`, or an
    /// array read through the window as a file would be (the fuzzer's way to reach
    /// the window's code thousands of times a second).
    private enum Backing {
        case whole
        case file(Int32)
        case array([UInt8])
    }
    private let backing: Backing
    /// The window's memory: `count` bytes of the file from offset `start`.
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private(set) var start = 0
    private(set) var count = 0
    /// Offset of the earliest byte still needed (`.max`: none).
    private var mark = 0
    private var endOfFile = false
    private let chunk: Int

    /// Bytes already in memory: whole, or (given a chunk) read through the window.
    init(bytes: [UInt8], chunk: Int? = nil) {
        self.chunk = max(1, chunk ?? bytes.count)
        backing = chunk == nil ? .whole : .array(bytes)
        capacity = self.chunk
        base = .allocate(capacity: capacity)
        if chunk == nil { hold(bytes) }
    }

    init(path: String, chunk: Int) throws {
        self.chunk = max(1, chunk)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw PlanError.notFound(entity: "file", key: path) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            throw PlanError.notFound(entity: "file", key: path)
        }
        capacity = self.chunk
        base = .allocate(capacity: capacity)
        guard (info.st_mode & S_IFMT) != S_IFREG else {
            backing = .file(fd)
            return
        }
        // A pipe or device cannot be read twice: take it whole.
        backing = .whole
        defer { close(fd) }
        do {
            hold(Array(try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data()))
        } catch {
            throw PlanError.refused("\(path): cannot be read (\(error.localizedDescription))")
        }
    }

    /// Takes `bytes` as the whole file, already read.
    private func hold(_ bytes: [UInt8]) {
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { if let source = $0.baseAddress { base.update(from: source, count: $0.count) } }
        count = bytes.count
        endOfFile = true
    }

    deinit {
        base.deallocate()
        if case let .file(descriptor) = backing { close(descriptor) }
    }

    /// The bytes from `offset` on are needed again (a record's start).
    func keep(from offset: Int) { mark = offset }

    /// No byte already read is needed again.
    func keepNothing() { mark = .max }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let bigger = max(needed, capacity * 2)
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        memory.update(from: base, count: count)
        base.deallocate()
        base = memory
        capacity = bigger
    }

    /// Moves the window so that it holds `offset`, reading more of the file;
    /// false when the file ends before it.
    func load(_ offset: Int) throws -> Bool {
        if offset >= start, offset < start + count { return true }
        if case .whole = backing { return false }
        if offset < start || offset > start + count {
            // A jump (to another section): start afresh there.
            start = offset
            count = 0
            mark = offset
            endOfFile = false
        } else {
            if endOfFile { return false }
            // Drop what is no longer needed, then read the next chunk after the rest.
            let drop = min(max(0, min(mark, offset) - start), count)
            if drop > 0 {
                (base).update(from: base + drop, count: count - drop)
                start += drop
                count -= drop
            }
        }
        reserve(count + chunk)
        var got = 0
        while got < chunk {
            let n: Int
            switch backing {
            case .whole:
                n = 0
            case let .file(descriptor):
                n = pread(descriptor, base + count, chunk - got, off_t(start + count))
            case let .array(bytes):
                n = max(0, min(chunk - got, bytes.count - (start + count)))
                bytes.withUnsafeBufferPointer { all in
                    if n > 0, let source = all.baseAddress { (base + count).update(from: source + start + count, count: n) }
                }
            }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw FileProblem("cannot be read (\(String(cString: strerror(errno))))") }
            if n == 0 { endOfFile = true; break }
            got += n
            count += n
        }
        return offset < start + count
    }

    /// The byte at `offset`, or nil past the end of the file.
    func byte(at offset: Int) throws -> UInt8? {
        try load(offset) ? base[offset - start] : nil
    }

    /// The bytes of `range`, as `Data` that shares the window's memory for the
    /// length of `body`. A range the window has moved past is read again.
    func withBytes<T>(_ range: Range<Int>, _ body: (Data) throws -> T) throws -> T {
        guard !range.isEmpty else { return try body(Data()) }
        if range.lowerBound < start || range.upperBound > start + count {
            // The range is kept while it is read, and the caller's mark given back after: left
            // at a key that straddled a chunk's end, it kept every byte after it in the window
            // (a whole section of a national plan file: 256 MB at a million actions).
            let previous = mark
            defer { mark = previous }
            keep(from: range.lowerBound)
            guard try load(range.lowerBound) else { throw FileProblem("the file ended early (was it changed while being read?)") }
            while range.upperBound > start + count {
                guard try load(start + count) else { throw FileProblem("the file ended early (was it changed while being read?)") }
            }
        }
        return try body(Data(bytesNoCopy: base + (range.lowerBound - start), count: range.count, deallocator: .none))
    }
}

/// Moves through JSON text checking its syntax (RFC 8259) without building
/// anything: a value's extent is found here, its meaning left to the decoder.
struct JSONScanner {
    let source: ByteWindow
    private(set) var position: Int
    static let maximumDepth = 512
    // The window as last seen: bytes `lower..<upper` of the file at `base`.
    // Reading through this copy, not the window object, keeps the per-byte
    // loop free of the runtime's exclusivity checks on a class's properties.
    private var base: UnsafePointer<UInt8>
    private var lower: Int
    private var upper: Int

    init(_ source: ByteWindow, at position: Int) {
        self.source = source
        self.position = position
        base = UnsafePointer(source.base)
        lower = source.start
        upper = source.start + source.count
    }

    @inline(__always)
    private mutating func byte(at offset: Int) throws -> UInt8? {
        if offset >= lower, offset < upper { return base[offset - lower] }
        return try slowByte(at: offset)
    }

    private mutating func slowByte(at offset: Int) throws -> UInt8? {
        let found = try source.load(offset)
        refresh()
        return found ? base[offset - lower] : nil
    }

    /// The window may have moved (a value read again): look at it afresh.
    private mutating func refresh() {
        base = UnsafePointer(source.base)
        lower = source.start
        upper = source.start + source.count
    }

    mutating func atEnd() -> Bool { (try? byte(at: position)) == nil }

    mutating func peek() throws -> UInt8? { try byte(at: position) }

    mutating func advance() { position += 1 }

    /// The next byte; the end of the file here is a syntax error.
    mutating func take() throws -> UInt8 {
        guard let byte = try byte(at: position) else {
            throw syntaxError("the file ends too early", at: position)
        }
        position += 1
        return byte
    }

    mutating func skipByteOrderMark() {
        if (try? byte(at: 0)) == 0xEF, (try? byte(at: 1)) == 0xBB, (try? byte(at: 2)) == 0xBF { position = 3 }
    }

    mutating func skipWhitespace() throws {
        while let byte = try byte(at: position), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    /// Skips `null`, returning true, or leaves the position where it was.
    mutating func skipNull() throws -> Bool {
        try skipWhitespace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        try skipLiteral("null")
        return true
    }

    /// An object key and its colon; the key's text decoded.
    mutating func readKey() throws -> String {
        let (range, escaped) = try skipKey()
        defer { refresh() }
        if !escaped {
            return try source.withBytes(range.lowerBound + 1..<range.upperBound - 1) { String(decoding: $0, as: UTF8.self) }
        }
        return try source.withBytes(range) { (try? JSONDecoder().decode(String.self, from: $0)) ?? "" }
    }

    /// Skips one whole value, checking its syntax, and (unless told not to:
    /// the value was checked already) that no object in it gives a key twice.
    mutating func skipValue(checkingKeys: Bool = true) throws {
        var open: [UInt8] = []  // the containers entered: '[' or '{'
        // The keys of each object entered, innermost last. JSON readers differ
        // on a key given twice (the first wins here, the last in others), so
        // such a file is refused rather than read one way.
        var keys = ObjectKeys()
        while true {
            try skipWhitespace()
            let start = position
            switch try take() {
            case let opener where opener == UInt8(ascii: "{") || opener == UInt8(ascii: "["):
                try skipWhitespace()
                if try peek() == (opener == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                } else {
                    guard open.count < JSONScanner.maximumDepth else { throw syntaxError("nested too deeply", at: start) }
                    open.append(opener)
                    if opener == UInt8(ascii: "{") {
                        let key = try skipKey()
                        if checkingKeys { keys.enter(); try note(key, in: &keys) }
                    }
                    continue
                }
            case UInt8(ascii: "\""): _ = try skipStringBody()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): position -= 1; try skipNumber()
            case UInt8(ascii: "t"): position -= 1; try skipLiteral("true")
            case UInt8(ascii: "f"): position -= 1; try skipLiteral("false")
            case UInt8(ascii: "n"): position -= 1; try skipLiteral("null")
            default: throw syntaxError("expected a value", at: start)
            }
            // A value is complete: close the containers it completes, or go on to the next member.
            while let container = open.last {
                try skipWhitespace()
                let at = position
                let next = try take()
                if next == UInt8(ascii: ",") {
                    if container == UInt8(ascii: "{") {
                        try skipWhitespace()
                        let key = try skipKey()
                        if checkingKeys { try note(key, in: &keys) }
                    }
                    break
                }
                guard next == (container == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw syntaxError(container == UInt8(ascii: "{") ? "expected ',' or '}'" : "expected ',' or ']'", at: at)
                }
                if open.removeLast() == UInt8(ascii: "{"), checkingKeys { keys.leave() }
            }
            if open.isEmpty { return }
        }
    }

    /// Adds a key to the innermost object's, refusing one it has already.
    private mutating func note(_ key: (Range<Int>, Bool), in keys: inout ObjectKeys) throws {
        let (range, escaped) = key
        let text: String
        let inner = range.lowerBound + 1..<range.upperBound - 1
        if !escaped, inner.lowerBound >= lower, inner.upperBound <= upper {
            // Still in the window as last seen (it was scanned just now): read in place.
            text = String(decoding: UnsafeBufferPointer(start: base + (inner.lowerBound - lower), count: inner.count), as: UTF8.self)
        } else if escaped {
            text = try source.withBytes(range) { (try? JSONDecoder().decode(String.self, from: $0)) ?? "" }
            refresh()
        } else {
            text = try source.withBytes(inner) { String(decoding: $0, as: UTF8.self) }
            refresh()
        }
        guard keys.insert(text) else {
            throw FileProblem("the key '\(text)' appears twice in one object (\(location(of: range.lowerBound))); JSON readers differ on which value counts, so give it once")
        }
    }

    /// Skips a key in quotes and its colon: where the key lies (quotes included), and whether it has escapes.
    private mutating func skipKey() throws -> (Range<Int>, Bool) {
        let start = position
        guard try take() == UInt8(ascii: "\"") else { throw syntaxError("expected a key in quotes", at: start) }
        let escaped = try skipStringBody()
        let range = start..<position
        try skipWhitespace()
        guard try take() == UInt8(ascii: ":") else { throw syntaxError("expected ':' after a key", at: position - 1) }
        return (range, escaped)
    }

    /// Skips a string's text and closing quote (the opening one taken); true when it has escapes.
    private mutating func skipStringBody() throws -> Bool {
        var escaped = false
        while true {
            // Eight bytes at a time while the window holds them and none ends the text, starts an escape
            // or is a control: a plan file is mostly text, and a byte at a time through `take` cost a tenth of an import.
            while position >= lower, position + 8 <= upper {
                let word = UnsafeRawPointer(base + (position - lower)).loadUnaligned(as: UInt64.self)
                if ByteScan.has(word, UInt8(ascii: "\"")) || ByteScan.has(word, UInt8(ascii: "\\")) || ByteScan.hasControl(word) { break }
                position += 8
            }
            let at = position
            let byte = try take()
            if byte == UInt8(ascii: "\"") { return escaped }
            if byte < 0x20 { throw syntaxError("a control character inside text (escape it)", at: at) }
            guard byte == UInt8(ascii: "\\") else { continue }
            escaped = true
            switch try take() {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                for _ in 0..<4 {
                    let hex = try take()
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(hex) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(hex | 0x20) else {
                        throw syntaxError("a \\u escape needs four hex digits", at: position - 1)
                    }
                }
            default:
                throw syntaxError("an unknown escape in text", at: position - 1)
            }
        }
    }

    private mutating func skipDigits() throws -> Int {
        var count = 0
        while let byte = try peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1; count += 1 }
        return count
    }

    private mutating func skipNumber() throws {
        let start = position
        if try peek() == UInt8(ascii: "-") { position += 1 }
        if try peek() == UInt8(ascii: "0") {
            position += 1
        } else if try skipDigits() == 0 {
            throw syntaxError("a number without digits", at: start)
        }
        if try peek() == UInt8(ascii: ".") {
            position += 1
            guard try skipDigits() > 0 else { throw syntaxError("a number without digits after its point", at: position) }
        }
        if let e = try peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            position += 1
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard try skipDigits() > 0 else { throw syntaxError("a number without digits in its exponent", at: position) }
        }
    }

    private mutating func skipLiteral(_ word: String) throws {
        let start = position
        for expected in word.utf8 {
            guard try byte(at: position) == expected else { throw syntaxError("expected a value", at: start) }
            position += 1
        }
    }

    /// "not valid JSON (PROBLEM at line L, column C)", counting lines up to `offset`.
    func syntaxError(_ problem: String, at offset: Int) -> FileProblem {
        FileProblem("not valid JSON (\(problem) at \(location(of: offset)))")
    }

    /// "line L, column C" of a byte offset.
    func location(of offset: Int) -> String {
        var line = 1, column = 1, index = 0
        while index < offset, let byte = try? source.byte(at: index) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return "line \(line), column \(column)"
    }
}

/// The keys of each object a scan is inside, innermost last, to refuse a
/// key given twice. A record has a dozen keys: they are compared in a list
/// (a set per object, hashed and grown key by key, was a tenth of a plan
/// file's import), and an object with very many moves to a set, so a
/// hostile file cannot make the check quadratic. Each level's storage is
/// kept for the next object at that depth.
struct ObjectKeys {
    private struct Level {
        var few: [String] = []
        var many: Set<String>?
    }
    private var levels: [Level] = []
    private var depth = 0
    static let listLimit = 32

    mutating func enter() {
        if depth == levels.count { levels.append(Level()) } else {
            levels[depth].few.removeAll(keepingCapacity: true)
            levels[depth].many = nil
        }
        depth += 1
    }

    mutating func leave() { depth -= 1 }

    /// Adds a key to the innermost object: false when it has it already.
    mutating func insert(_ key: String) -> Bool {
        let level = depth - 1
        if levels[level].many != nil { return levels[level].many?.insert(key).inserted ?? false }
        if levels[level].few.contains(key) { return false }
        levels[level].few.append(key)
        if levels[level].few.count > ObjectKeys.listLimit {
            levels[level].many = Set(levels[level].few)
            levels[level].few.removeAll(keepingCapacity: true)
        }
        return true
    }
}
