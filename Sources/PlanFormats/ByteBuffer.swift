/// Bytes appended into memory of the buffer's own that grows by doubling:
/// what a report writes a million rows into. Appending to an `[UInt8]`
/// checked its uniqueness and capacity through the generic path on every
/// call, dearer than the copy itself for the short cells of a row. A class,
/// so the memory is freed with it; its stored properties are not checked for
/// exclusive access at run time (a check on every append cost a tenth of a
/// report's row): a buffer is written and read by one caller at a time, and never shared.
public final class ByteBuffer {
    @exclusivity(unchecked) private var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) private var capacity: Int

    public init(capacity: Int = 512) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Room for `more` bytes past those written.
    @inline(__always)
    private func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        memory.update(from: base, count: count)
        base.deallocate()
        base = memory
        capacity = grown
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let from = bytes.baseAddress, !bytes.isEmpty { (base + count).update(from: from, count: bytes.count) }
        count += bytes.count
    }

    public func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// The bytes written from `start` on (valid until the next append or `removeAll`).
    public func bytes(from start: Int = 0) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base + start, count: count - start)
    }

    /// Forgets the bytes written, keeping the memory.
    public func removeAll() { count = 0 }
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
