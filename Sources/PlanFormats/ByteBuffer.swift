#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain values (no references) in memory that doubles as it fills, grown
/// in place where the allocator can. `realloc` extends a block into free
/// memory beside it, and moves a block of more than a few hundred kilobytes
/// (one the allocator maps by itself) by remapping its pages, not by copying
/// them. An `Array` makes a new block and copies at each doubling, and
/// appends through its generic path: a report table's buffers grown that way
/// were 11.3M instructions of `report overdue` at 10,000 actions, 6% of it.
/// A value its owner keeps and frees (`release`) once; not checked for
/// exclusive access beyond what its owner declares.
struct PlainArray<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        base = PlainArray.reallocate(nil, count: self.capacity)
    }

    @inline(__always)
    mutating func append(_ value: Element) {
        reserve(count + 1)
        base[count] = value
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf values: UnsafeBufferPointer<Element>) {
        reserve(count + values.count)
        if let from = values.baseAddress, !values.isEmpty { (base + count).update(from: from, count: values.count) }
        count += values.count
    }

    /// The values held (valid until the next append or `release`).
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    /// Forgets the values, keeping the memory, or giving back all but the first room.
    mutating func removeAll(keepingCapacity: Bool = true) {
        count = 0
        guard !keepingCapacity, capacity > 16 else { return }
        base = PlainArray.reallocate(base, count: 16)
        capacity = 16
    }

    /// Gives the memory back; the value must not be used after.
    func release() { free(base) }

    @inline(__always)
    private mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        grow(to: needed)
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var grown = capacity * 2
        while grown < needed { grown *= 2 }
        base = PlainArray.reallocate(base, count: grown)
        capacity = grown
    }

    private static func reallocate(_ memory: UnsafeMutablePointer<Element>?, count: Int) -> UnsafeMutablePointer<Element> {
        // `malloc` aligns to 16 bytes, enough for the plain values these buffers hold.
        precondition(MemoryLayout<Element>.alignment <= 16)
        let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<Element>.stride)
        // Out of memory (or more than memory could hold): the end of any allocation in Swift that fails.
        guard !overflow, let raw = realloc(memory, bytes) else { preconditionFailure("out of memory (\(count) values)") }
        return raw.bindMemory(to: Element.self, capacity: count)
    }
}

/// Bytes appended into memory of the buffer's own that grows by doubling
/// (`PlainArray`): what a report writes a million rows into. Appending to an
/// `[UInt8]` checked its uniqueness and capacity through the generic path on
/// every call, dearer than the copy itself for the short cells of a row. A
/// class, so the memory is freed with it; its stored properties are not
/// checked for exclusive access at run time (a check on every append cost a
/// tenth of a report's row): a buffer is written and read by one caller at a
/// time, and never shared.
public final class ByteBuffer {
    @exclusivity(unchecked) private var memory: PlainArray<UInt8>

    public init(capacity: Int = 512) {
        memory = PlainArray(capacity: capacity)
    }

    deinit { memory.release() }

    public var count: Int { memory.count }

    @inline(__always)
    public func append(_ byte: UInt8) { memory.append(byte) }

    @inline(__always)
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) { memory.append(contentsOf: bytes) }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// The bytes written from `start` on (valid until the next append or `removeAll`).
    public func bytes(from start: Int = 0) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: memory.base + start, count: memory.count - start)
    }

    /// Forgets the bytes written, keeping the memory.
    public func removeAll() { memory.removeAll() }
}

/// Where CSV writes bytes: an array, or a `ByteBuffer`.
protocol ByteOutput {
    mutating func put(_ byte: UInt8)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteOutput where Element == UInt8 {
    @inline(__always) mutating func put(_ byte: UInt8) { append(byte) }
    @inline(__always) mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

extension ByteBuffer: ByteOutput {
    @inline(__always) func put(_ byte: UInt8) { append(byte) }
    @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) { append(bytes) }
}
