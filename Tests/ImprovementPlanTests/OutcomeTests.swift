import Foundation
import Testing
@testable import ImprovementPlan

@Suite("Outcome measures: the run-chart rules and the target")
struct OutcomeTests {
    static let start = CalendarDate(year: 2022, month: 3, day: 31)!

    /// Quarterly readings from the quarter after `start`.
    static func series(_ values: [Double]) -> [DatedValue] {
        values.enumerated().map { DatedValue(value: $1, date: start.adding(months: 3 * ($0 + 1))) }
    }

    static func measure(_ direction: MeasureDirection = .higher, baseline: Double = 50, target: Double = 70,
                        targetDate: CalendarDate = CalendarDate(year: 2025, month: 3, day: 31)!,
                        trajectory: [DatedValue] = []) -> OutcomeMeasure {
        OutcomeMeasure(key: "m", partnership: "p", name: "Measure", unit: "%", direction: direction,
                       baseline: DatedValue(value: baseline, date: start), target: DatedValue(value: target, date: targetDate),
                       trajectory: trajectory)
    }

    static func readings(_ values: [Double]) -> [MeasureReading] {
        series(values).map { MeasureReading(measure: "m", date: $0.date, value: $0.value) }
    }

    // Six baseline readings with median 50, then what follows.
    static let flat: [Double] = [48, 52, 51, 49, 50, 50]

    @Test("each rule at its boundary", arguments: [
        // 5 rising readings is a trend; 4 is not.
        ("5 rising", [10, 11, 12, 13, 14], MeasureDirection.higher, RunChart.Verdict.improving, RunChart.Rule.trend),
        ("4 rising", [10, 11, 12, 13], .higher, .noClearChange, .tooFewReadings),
        ("5 falling, lower is better", [14, 13, 12, 11, 10], .lower, .improving, .trend),
        ("5 rising, lower is better", [10, 11, 12, 13, 14], .lower, .worsening, .trend),
        // Equal neighbours neither break nor count: 10 11 11 12 13 is four counted readings.
        ("equal neighbour does not count", [10, 11, 11, 12, 13], .higher, .noClearChange, .tooFewReadings),
        ("equal neighbour does not break", [10, 11, 11, 12, 13, 14], .higher, .improving, .trend),
        // 6 on one side of the median (50) is a shift; 5 is not.
        ("6 above the median", flat + [53, 54, 53, 55, 53, 54], .higher, .improving, .shift),
        ("5 above the median", flat + [53, 54, 53, 55, 53, 49], .higher, .noClearChange, .none),
        ("6 below, lower is better", flat + [47, 46, 47, 45, 47, 46], .lower, .improving, .shift),
        ("6 below, higher is better", flat + [47, 46, 47, 45, 47, 46], .higher, .worsening, .shift),
        // A reading on the median neither breaks nor counts.
        ("median point does not break", flat + [53, 54, 50, 53, 55, 53, 54], .higher, .improving, .shift),
        ("median point does not count", flat + [53, 54, 50, 53, 55, 49], .higher, .noClearChange, .none),
        // Noisy, flat readings: no signal.
        ("noisy flat", flat + [53, 47, 48, 52, 53, 49, 51, 47], .higher, .noClearChange, .none),
    ] as [(String, [Double], MeasureDirection, RunChart.Verdict, RunChart.Rule)])
    func boundaries(name: String, values: [Double], direction: MeasureDirection, verdict: RunChart.Verdict, rule: RunChart.Rule) {
        let chart = RunChart.read(Self.series(values), direction: direction)
        #expect(chart.verdict == verdict, "\(name)")
        #expect(chart.rule == rule, "\(name)")
    }

    @Test("the signal's points are the readings that form it")
    func signalPoints() {
        let chart = RunChart.read(Self.series(Self.flat + [53, 54, 50, 53, 55, 53, 54]), direction: .higher)
        #expect(chart.points == [6, 7, 9, 10, 11, 12])
        #expect(chart.median == 50)
        let trend = RunChart.read(Self.series([10, 11, 11, 12, 13, 14]), direction: .higher)
        #expect(trend.points == [0, 1, 3, 4, 5])
    }

    @Test("the median comes from the first six readings, or from all readings before the plan was agreed")
    func baselinePeriod() {
        let values = Self.series([10, 10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20, 30, 30])
        #expect(RunChart.read(values, direction: .higher).median == 10)
        // Agreed after the 12th reading: the median of those twelve is 15.
        let chart = RunChart.read(values, direction: .higher, agreed: values[11].date.adding(days: 1))
        #expect(chart.median == 15)
        #expect(chart.baselineCount == 12)
        // Fewer than six before the agreement: the first six after all.
        #expect(RunChart.read(values, direction: .higher, agreed: values[3].date).baselineCount == 6)
    }

    @Test("runs: too few runs is a signal, too many is not improvement")
    func runs() {
        // 6 baseline (median 50, ending above it), then runs of 5 either side: 7 runs in 29 useful readings, fewer than 10.
        let few: [Double] = [48, 49, 51, 52, 50, 50] + [47, 46, 47, 48, 47, 53, 54, 53, 52, 53, 47, 46, 47, 48, 47, 53, 54, 53, 52, 53, 47, 46, 47, 48, 47]
        let fewChart = RunChart.read(Self.series(few), direction: .higher)
        #expect(fewChart.rule == .tooFewRuns)
        #expect(fewChart.verdict == .worsening)   // the last run is below the median
        let many = Self.flat + [53, 47, 52, 48, 53, 47, 52, 48, 53, 47, 52, 48, 53, 47]
        let manyChart = RunChart.read(Self.series(many), direction: .higher)
        #expect(manyChart.rule == .tooManyRuns)
        #expect(manyChart.verdict == .noClearChange)
    }

    @Test("runs limits follow the distribution of runs", arguments: [
        (10, 3...9), (14, 4...12), (15, 5...12), (16, 5...13), (20, 7...15), (26, 9...19), (30, 11...21),
    ])
    func runsLimits(useful: Int, limits: ClosedRange<Int>) {
        #expect(RunChart.runsLimits(useful: useful) == limits)
    }

    @Test("runs limits hold for long series without overflow")
    func longRuns() {
        let limits = RunChart.runsLimits(useful: 2_000)
        #expect(limits.lowerBound > 900 && limits.upperBound < 1_100)
    }

    @Test("median of odd and even counts")
    func median() {
        #expect(RunChart.median([3, 1, 2]) == 2)
        #expect(RunChart.median([4, 1, 3, 2]) == 2.5)
        #expect(RunChart.median([]) == nil)
    }

    @Test("a correction replaces the reading of its date; later readings are not yet known")
    func effective() {
        var readings = Self.readings([40, 41, 42])
        readings.append(MeasureReading(measure: "m", date: readings[1].date, value: 45, supersedes: true))
        let values = OutcomeMeasure.effective(readings, asOf: readings[1].date)
        #expect(values.map(\.value) == [40, 45])
    }

    @Test("change from the baseline, in the measure's direction")
    func change() {
        let day = CalendarDate(year: 2023, month: 1, day: 1)!
        let up = Self.measure(.higher).assess(Self.readings([60]), asOf: day)
        #expect(up.change == OutcomeAssessment.Change(absolute: 10, relative: 0.2, verdict: .better))
        let down = Self.measure(.lower).assess(Self.readings([60]), asOf: day)
        #expect(down.change?.verdict == .worse)
        let same = Self.measure(.lower).assess(Self.readings([50]), asOf: day)
        #expect(same.change?.verdict == .same)
        let zero = Self.measure(.lower, baseline: 0, target: 0).assess(Self.readings([2]), asOf: day)
        #expect(zero.change?.relative == nil)
    }

    @Test("on track against the straight line, or the trajectory between its points")
    func onTrack() {
        // Baseline 50 at 2022-03-31, target 70 three years later: 2023-09-30 is half way (day-weighted).
        let measure = Self.measure(.higher)
        let halfway = measure.planned(on: CalendarDate(year: 2023, month: 9, day: 30)!)
        #expect(abs(halfway - 60) < 0.1)
        #expect(measure.planned(on: CalendarDate(year: 2026, month: 1, day: 1)!) == 70)
        #expect(measure.planned(on: Self.start) == 50)
        let stepped = Self.measure(.higher, trajectory: [DatedValue(value: 65, date: CalendarDate(year: 2023, month: 3, day: 31)!)])
        #expect(stepped.planned(on: CalendarDate(year: 2023, month: 3, day: 31)!) == 65)
        // At the planned value is on track; just short is not.
        let reading = MeasureReading(measure: "m", date: CalendarDate(year: 2023, month: 3, day: 31)!, value: 65)
        #expect(stepped.assess([reading], asOf: reading.date).onTrack == true)
        var short = reading; short.value = 64.9
        #expect(stepped.assess([short], asOf: reading.date).onTrack == false)
        // Lower is better: at or below the line.
        let fall = Self.measure(.lower, baseline: 30, target: 10)
        let low = MeasureReading(measure: "m", date: CalendarDate(year: 2023, month: 9, day: 30)!, value: 19)
        #expect(fall.assess([low], asOf: low.date).onTrack == true)
    }

    @Test("one measure of each kind", arguments: [
        // name, direction, readings, as of, trend, target status, stale
        ("improving", MeasureDirection.higher, [48, 52, 49, 51, 50, 50, 53, 55, 56, 58, 60, 62], "2025-04-15",
         RunChart.Verdict.improving, OutcomeAssessment.TargetStatus.missed, false),
        ("worsening", .higher, [48, 52, 49, 51, 50, 50, 47, 46, 45, 44, 46, 43], "2025-04-15", .worsening, .missed, false),
        ("noisy flat", .higher, [48, 52, 49, 51, 50, 50, 53, 47, 52, 48, 51, 49], "2025-04-15", .noClearChange, .missed, false),
        ("target met", .lower, [48, 46, 44, 42, 40, 38, 36, 34, 32, 30, 28, 26], "2025-04-15", .improving, .met, false),
        ("open", .higher, [48, 52, 49, 51], "2023-04-15", .noClearChange, .open, false),
        ("stale", .higher, [48, 52, 49, 51], "2024-06-30", .noClearChange, .noData, true),
    ] as [(String, MeasureDirection, [Double], String, RunChart.Verdict, OutcomeAssessment.TargetStatus, Bool)])
    func kinds(name: String, direction: MeasureDirection, values: [Double], asOf: String, trend: RunChart.Verdict,
               status: OutcomeAssessment.TargetStatus, stale: Bool) throws {
        let day = try #require(CalendarDate(iso: asOf))
        let measure = direction == .higher ? Self.measure(.higher, baseline: 50, target: 70) : Self.measure(.lower, baseline: 50, target: 30)
        let assessment = measure.assess(Self.readings(values), asOf: day)
        #expect(assessment.trend.verdict == trend, "\(name)")
        #expect(assessment.target == status, "\(name)")
        #expect(assessment.stale == stale, "\(name)")
    }

    @Test("stale data: the boundary is two reporting periods before the day")
    func staleBoundary() {
        let measure = Self.measure()
        let last = Self.readings([51])   // 2022-06-30
        #expect(measure.assess(last, asOf: CalendarDate(year: 2022, month: 12, day: 30)!).stale == false)
        #expect(measure.assess(last, asOf: CalendarDate(year: 2022, month: 12, day: 31)!).stale == false)
        #expect(measure.assess(last, asOf: CalendarDate(year: 2023, month: 1, day: 1)!).stale == true)
        // A reading on the baseline date alone is no reading since the baseline.
        let onBaseline = [MeasureReading(measure: "m", date: Self.start, value: 50)]
        #expect(measure.assess(onBaseline, asOf: Self.start.adding(days: 1)).target == .noData)
        #expect(measure.assess([], asOf: Self.start.adding(days: 1)).latest == nil)
    }

    @Test("target met is at or past the target; missed only once its date has passed")
    func targetBoundary() {
        let measure = Self.measure(.higher, baseline: 50, target: 70, targetDate: CalendarDate(year: 2022, month: 12, day: 31)!)
        let at = [MeasureReading(measure: "m", date: CalendarDate(year: 2022, month: 12, day: 31)!, value: 70)]
        #expect(measure.assess(at, asOf: CalendarDate(year: 2023, month: 1, day: 5)!).target == .met)
        let short = [MeasureReading(measure: "m", date: CalendarDate(year: 2022, month: 12, day: 31)!, value: 69.9)]
        #expect(measure.assess(short, asOf: CalendarDate(year: 2022, month: 12, day: 31)!).target == .open)
        #expect(measure.assess(short, asOf: CalendarDate(year: 2023, month: 1, day: 1)!).target == .missed)
    }

    @Test("bad values and dated values name the field", arguments: [
        ("forty", "value: 'forty' is not valid (expected a number, like 42.5)"),
        ("", "value: '' is not valid (expected a number, like 42.5)"),
        ("1,2", "value: '1,2' is not valid (expected a number, like 42.5)"),
        ("nan", "value: 'nan' is not valid (expected a number, like 42.5)"),
        ("inf", "value: 'inf' is not valid (expected a number, like 42.5)"),
    ])
    func badValue(text: String, message: String) {
        #expect(throws: PlanError.self) { try Validation.measureValue(text) }
        do { _ = try Validation.measureValue(text) } catch { #expect(error.description == message) }
    }

    @Test("values are read loosely", arguments: [("42.5", 42.5), ("42.5%", 42.5), (" 1,204 ", 1204), ("-3", -3), ("12,345.5", 12345.5)])
    func goodValue(text: String, value: Double) throws {
        #expect(try Validation.measureValue(text) == value)
    }

    @Test("a measure's dates: target after baseline, trajectory between them in order")
    func measureDates() {
        var measure = Self.measure()
        measure.target.date = Self.start
        #expect(throws: PlanError.self) { try measure.validate() }
        measure = Self.measure(trajectory: [DatedValue(value: 60, date: CalendarDate(year: 2026, month: 1, day: 1)!)])
        #expect(throws: PlanError.self) { try measure.validate() }
        #expect(throws: Never.self) { try Self.measure().validate() }
        #expect(throws: PlanError.self) { try DatedValue.parse("42", field: "baseline", today: Self.start) }
        #expect(throws: PlanError.self) { try DatedValue.parse("x@2024-01-01", field: "baseline", today: Self.start) }
        #expect(throws: Never.self) { try DatedValue.parse("42@2024-01-01", field: "baseline", today: Self.start) }
    }

    @Test("a reading before the baseline, or in the future, is refused")
    func readingDates() {
        let measure = Self.measure()
        let early = MeasureReading(measure: "m", date: Self.start.adding(days: -1), value: 1)
        #expect(throws: PlanError.self) { try early.validate(for: measure, today: Self.start) }
        let onBaseline = MeasureReading(measure: "m", date: Self.start, value: 1)
        #expect(throws: Never.self) { try onBaseline.validate(for: measure, today: Self.start) }
        let future = MeasureReading(measure: "m", date: Self.start.adding(days: 1), value: 1)
        #expect(throws: PlanError.self) { try future.validate(for: measure, today: Self.start) }
    }
}
