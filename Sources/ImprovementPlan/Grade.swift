/// A grade on the six-point scale used by joint inspections.
public struct Grade: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let value: Int

    public static let labels = ["unsatisfactory", "weak", "adequate", "good", "very good", "excellent"]

    public init?(_ value: Int) {
        guard (1...6).contains(value) else { return nil }
        self.value = value
    }

    /// Reads `4`, `good`, `very good`, `Very-Good`.
    public static func parse(_ text: String) -> Grade? {
        let folded = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        if let number = Int(folded) { return Grade(number) }
        guard let index = labels.firstIndex(of: folded) else { return nil }
        return Grade(index + 1)
    }

    public static func require(_ text: String) throws(PlanError) -> Grade {
        guard let grade = parse(text) else {
            throw .invalidValue(field: "grade", value: text, expected: "1 to 6 or one of \(labels.joined(separator: ", "))")
        }
        return grade
    }

    public var label: String { Grade.labels[value - 1] }
    /// Weak or unsatisfactory: priority or urgent action required.
    public var isWeak: Bool { value <= 2 }
    public var description: String { "\(label) (\(value))" }
    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let number = try container.decode(Int.self)
        guard let grade = Grade(number) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "grade \(number) is not on the scale 1 to 6")
        }
        self = grade
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

import Foundation
