/// "'1.1' is already used on row 2": a reference two rows of a sheet share,
/// with the likely cause when it reads as a decimal number (a spreadsheet
/// that saved 1.10 as the number 1.1).
public func repeatedReference(_ ref: String, firstRow: Int) -> String {
    let decimal = ref.contains(".") && Double(ref) != nil
    return "'\(ref)' is already used on row \(firstRow)"
        + (decimal ? " (a spreadsheet may have saved a reference such as 1.10 as the number 1.1: format the column as text)" : "")
}

/// One action read from a council's action-plan spreadsheet, with the
/// spreadsheet row it came from (for messages).
public struct SheetRow: Equatable, Sendable {
    public var row: Int
    public var ref: String?
    public var area: String?
    public var title: String
    public var description: String?
    public var owner: String
    public var agency: String
    public var start: CalendarDate?
    public var due: CalendarDate?
    public var originalDue: CalendarDate?
    public var measure: String?
    public var status: ActionStatus?
    public var percent: Int?
    public var completed: CalendarDate?
    public var evidence: String?
    public var selfAssessment: SelfAssessment?
    public var progress: String?
    /// planwatch's id of the action, when the sheet is a planwatch export.
    public var id: Int64?

    public init(row: Int, ref: String?, area: String?, title: String, description: String?, owner: String, agency: String,
                start: CalendarDate?, due: CalendarDate?, originalDue: CalendarDate?, measure: String?, status: ActionStatus?,
                percent: Int?, completed: CalendarDate?, evidence: String?, selfAssessment: SelfAssessment?, progress: String?, id: Int64? = nil) {
        self.row = row; self.ref = ref; self.area = area; self.title = title; self.description = description
        self.owner = owner; self.agency = agency; self.start = start; self.due = due; self.originalDue = originalDue
        self.measure = measure; self.status = status; self.percent = percent; self.completed = completed
        self.evidence = evidence; self.selfAssessment = selfAssessment; self.progress = progress
        self.id = id
    }
}
