import Testing
@testable import PlanFormats

/// The spreadsheet importer reads CSV on its bytes (`ActionSheet.csvRecords(_:byte:)`);
/// it must give the CSV package's records, cell for cell, for any text.
@Suite("CSV read on bytes")
struct CSVReaderTests {
    /// SplitMix64 from `seed`: the same numbers, so the same texts, on every run.
    static func seeded(_ seed: UInt64) -> () -> UInt64 {
        var state = seed
        return {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func package(_ text: String, _ delimiter: Unicode.Scalar) -> [[String]]? {
        try? ActionSheet.packageRecords(text, delimiter: delimiter)
    }

    @Test("the same records as the CSV package for cells, quotes, line breaks and stray quotes", arguments: [
        "", "a", "a,b", "a,b\n", "a,b\r\n", "a,b\rc,d", "a,b\n\nc", "\n", "\r\n\r\n", ",", ",,\n,", "a,b,",
        "\"a,b\",c", "\"a\"\"b\"", "\"line\nbreak\",x\r\ny", "\"a\"b,c", "\"a\"\"\"", "\"\"", "\"", "\"abc", "\"a\"\r", "\"a\"\rb",
        "x\"y\",z", "\"\"é", "\"a\"日b,c", "Éilidh,日本,\"Mac an t-Saoir, É\"\n", "'=1+1,'- still\n", "a;b;\"c;d\"", "a\tb\t\"c\td\"",
    ])
    func fixed(text: String) {
        for delimiter in [",", ";", "\t"] as [Unicode.Scalar] {
            #expect(ActionSheet.csvRecords(text, byte: UInt8(delimiter.value)) == Self.package(text, delimiter),
                    "\(text.debugDescription) split by \(delimiter.escaped(asASCII: true))")
        }
    }

    @Test("the same records as the CSV package for 20,000 random texts of its special characters")
    func random() {
        let next = Self.seeded(0x5EED_CAFE)
        let pieces = ["a", "b", ",", ";", "\t", "\"", "\"\"", "\r", "\n", "\r\n", " ", "é", "日"]
        var differing: [String] = []
        for _ in 0..<20_000 {
            let length = Int(next() % 24)
            let text = (0..<length).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
            let delimiter: Unicode.Scalar = [",", ";", "\t"][Int(next() % 3)]
            if ActionSheet.csvRecords(text, byte: UInt8(delimiter.value)) != Self.package(text, delimiter) { differing.append(text) }
        }
        let first = differing.prefix(3).map(\.debugDescription)
        #expect(first.isEmpty, "\(differing.count) texts differ")
    }

    /// The check for a quote left open (its row named in the refusal) runs on
    /// the bytes for an ASCII delimiter; it must find what the scalar scan finds.
    @Test("the open-quote check on bytes names the row the scalar check names, for fixed and 20,000 random texts")
    func openQuote() {
        let next = Self.seeded(0x0DD_BA11)
        let pieces = ["a", ",", ";", "\t", "\"", "\"\"", "\r", "\n", "\r\n", " ", "é", "日", "\u{0085}"]
        var texts = ["", "\"", "a\n\"b", "a,\"b\nc", "a\r\n\r\n\"x", "\"a\"\n\"", "é\"\n\"", "x\"y\n\"z"]
        for _ in 0..<20_000 {
            texts.append((0..<Int(next() % 24)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined())
        }
        var differing: [String] = []
        for (index, text) in texts.enumerated() {
            let delimiter: Unicode.Scalar = [",", ";", "\t"][index % 3]
            if ActionSheet.unterminatedQuote(text, delimiter: delimiter) != ActionSheet.unterminatedQuote(scalars: text, delimiter: delimiter) {
                differing.append(text)
            }
        }
        #expect(differing.isEmpty, "\(differing.count) differ, first \(differing.prefix(3).map(\.debugDescription))")
        #expect(ActionSheet.unterminatedQuote("a,b\r\nc,\"d\ne", delimiter: ",") == 2)
        #expect(ActionSheet.unterminatedQuote("a,\"b\"\nc", delimiter: ",") == nil)
    }
}
