/// White space as Foundation's `.whitespacesAndNewlines` has it (Unicode's
/// White_Space property, and the zero width space, which Foundation counts
/// too: a field of one is as blank as it looks), checked without bridging to
/// NSString, which cost more than the SQL on a bulk import's every field.
extension Unicode.Scalar {
    @inline(__always)
    public var isWhiteSpace: Bool {
        value < 0x80 ? value == 0x20 || (0x09...0x0D).contains(value) : properties.isWhitespace || value == 0x200B
    }
}

extension StringProtocol {
    /// True when the text is empty or only white space.
    public var isBlank: Bool { unicodeScalars.allSatisfy(\.isWhiteSpace) }

    /// The text without white space at either end.
    public var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isWhiteSpace }),
              let last = scalars.lastIndex(where: { !$0.isWhiteSpace }) else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }
}
