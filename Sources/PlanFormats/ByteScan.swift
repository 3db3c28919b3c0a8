/// Eight bytes at a time over text that is nearly always plain ASCII: the
/// table and CSV writers look at every byte of every cell of a national
/// report, and a byte-by-byte test of each costs more than the query.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Whether some byte of `word` is `byte` (exact: no false answers either way).
    @inline(__always)
    static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
        let x = word ^ (ones &* UInt64(byte))
        return (x &- ones) & ~x & highs != 0
    }

    /// Whether some byte of `word` is a control character, under 0x20 (exact).
    @inline(__always)
    static func hasControl(_ word: UInt64) -> Bool {
        (word &- ones &* 0x20) & ~word & highs != 0
    }

    /// Whether every byte of `word` is printable ASCII, 0x20–0x7E.
    @inline(__always)
    static func printable(_ word: UInt64) -> Bool {
        let below = (word &- ones &* 0x20) & ~word & highs  // some byte under 0x20
        let above = ((word &+ ones) | word) & highs        // some byte over 0x7E
        return below | above == 0
    }

    /// How many leading bytes of `bytes`, in whole words of eight, are
    /// printable ASCII and neither `a` nor `b` (the caller looks at the rest one by one).
    @inline(__always)
    static func plainWords(_ bytes: UnsafeBufferPointer<UInt8>, excluding a: UInt8? = nil, _ b: UInt8? = nil) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            guard printable(word) else { break }
            if let a, has(word, a) { break }
            if let b, has(word, b) { break }
            index += 8
        }
        return index
    }

    /// How many leading bytes of `bytes`, in whole words of eight, are ASCII (under 0x80).
    @inline(__always)
    static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & highs == 0 { index += 8 }
        return index
    }
}
