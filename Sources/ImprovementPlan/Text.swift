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
    package var isBlank: Bool { unicodeScalars.allSatisfy(\.isWhiteSpace) }

    /// The text without white space at either end.
    package var trimmed: String {
        // Nearly every cell begins and ends with a visible ASCII character: nothing to trim.
        if let text = self as? String, text.hasVisibleASCIIEnds { return text }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isWhiteSpace }),
              let last = scalars.lastIndex(where: { !$0.isWhiteSpace }) else { return "" }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[first...last])
        return String(result)
    }

    /// A name as the store keeps it: trimmed, each run of spaces inside it
    /// one space, so "Chief Social Work Officer " and "Chief  Social Work
    /// Officer" are the one owner they look like. A line break or tab inside
    /// stays (a one-line field refuses it; a sheet's reader joins lines first).
    public var normalisedName: String {
        if let text = self as? String, text.isNormalisedASCII { return text }
        let inner = trimmed
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in inner.unicodeScalars {
            let value = scalar.value
            let isBreakOrTab = (0x09...0x0D).contains(value) || value == 0x85 || value == 0x2028 || value == 0x2029
            if scalar.isWhiteSpace, !isBreakOrTab {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" "); pendingSpace = false }
            result.append(scalar)
        }
        return String(result)
    }

}

extension String {
    /// Begins and ends with a visible ASCII character: nothing for `trimmed` to take off.
    fileprivate var hasVisibleASCIIEnds: Bool {
        guard let first = utf8.first, let last = utf8.last else { return false }
        return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
    }

    /// ASCII with nothing for `normalisedName` to change: no space or control
    /// character at either end, no two spaces together (what a name nearly
    /// always is; one pass over its bytes says so).
    fileprivate var isNormalisedASCII: Bool {
        guard hasVisibleASCIIEnds else { return false }
        var previous: UInt8 = 0
        for byte in utf8 {
            if byte >= 0x80 || (byte == 0x20 && previous == 0x20) { return false }
            previous = byte
        }
        return true
    }
}

/// "Did you mean": the known word nearest a mistyped one.
public enum Suggestion {
    /// The candidate nearest `word` by edit distance (a swap of two
    /// neighbouring letters counts as one edit), compared without regard to
    /// case: within 1 edit for words of up to 4 letters, 2 up to 8, else 3.
    /// Nil when none is that near, or two are equally near.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        nearest(to: word, among: candidates) { target, candidate, limit in
            editDistance(target, Array(candidate.lowercased()), limit: limit)
        }
    }

    /// For a search by part of a name (`--owner "social wrk"`): the candidate
    /// with a run of whole words nearest `part`, by the same measure as
    /// `closest` ("chief social work officer" holds "social work").
    public static func closest(part: String, among candidates: some Sequence<String>) -> String? {
        let words = part.split(separator: " ").count
        return nearest(to: part, among: candidates) { target, candidate, limit in
            let parts = candidate.split(separator: " ")
            guard parts.count >= words, words > 0 else { return limit + 1 }
            var nearest = limit + 1
            for start in 0...(parts.count - words) {
                let window = parts[start..<(start + words)].joined(separator: " ")
                nearest = min(nearest, editDistance(target, Array(window.lowercased()), limit: limit))
            }
            return nearest
        }
    }

    /// The one candidate whose `distance` from `text` (lowercased) is least
    /// and within the limit for its length; nil when none is, or two tie.
    private static func nearest(to text: String, among candidates: some Sequence<String>,
                                distance: ([Character], String, Int) -> Int) -> String? {
        let target = Array(text.lowercased())
        let limit = target.count <= 4 ? 1 : target.count <= 8 ? 2 : 3
        var best: (String, Int)?
        var tied = false
        for candidate in candidates {
            let found = distance(target, candidate, limit)
            guard found <= limit else { continue }
            if let current = best {
                if found < current.1 { best = (candidate, found); tied = false }
                else if found == current.1, candidate != current.0 { tied = true }
            } else {
                best = (candidate, found)
            }
        }
        return tied ? nil : best?.0
    }

    /// Optimal string alignment distance, stopping early past `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowBest = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { value = min(value, previous2[j - 2] + 1) }
                current[j] = value
                rowBest = min(rowBest, value)
            }
            if rowBest > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

extension String {
    /// The text with its first character in upper case: "progress review" → "Progress review".
    package var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
