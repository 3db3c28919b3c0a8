import Foundation
import GRDB
import ImprovementPlan

extension CalendarDate: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { iso.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CalendarDate? {
        String.fromDatabaseValue(dbValue).flatMap(CalendarDate.init(iso:))
    }
}

extension ActionStatus: DatabaseValueConvertible {}
extension FindingKind: DatabaseValueConvertible {}
extension Confidence: DatabaseValueConvertible {}
extension Escalation: DatabaseValueConvertible {}
extension PlanStatus: DatabaseValueConvertible {}
extension Role: DatabaseValueConvertible {}
extension RequestState: DatabaseValueConvertible {}
extension SignOffDecision: DatabaseValueConvertible {}
extension ReviewKind: DatabaseValueConvertible {}
extension SelfAssessment: DatabaseValueConvertible {}
extension MeasureDirection: DatabaseValueConvertible {}
extension ReportingPeriod: DatabaseValueConvertible {}

/// JSON text for list columns (`other_partners`, `themes`, ...), and back.
enum JSONColumn {
    static func encode(_ list: [String]) -> String {
        if list.isEmpty { return "[]" }
        guard let data = try? JSONEncoder().encode(list) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String?) -> [String] {
        guard let text, text != "[]", let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return list
    }
}

extension Row {
    /// A required column; a NULL or unreadable value is a corrupt row, reported as such.
    func required<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T {
        guard let value = self[column] as T? else {
            throw StoreError.corrupt("column '\(column)'")
        }
        return value
    }
}
