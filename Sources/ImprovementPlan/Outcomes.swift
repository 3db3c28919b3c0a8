import Foundation

/// Which way is better for an outcome measure.
public enum MeasureDirection: String, Vocabulary {
    case higher, lower

    public static let fieldName = "direction"
    public static let aliases: [String: MeasureDirection] = [
        "higher-is-better": .higher, "up": .higher, "increase": .higher,
        "lower-is-better": .lower, "down": .lower, "decrease": .lower,
    ]
}

/// How often a measure's data arrive; a measure with no reading in the last
/// two periods has stale data.
public enum ReportingPeriod: String, Vocabulary {
    case monthly, quarterly, annual

    public static let fieldName = "period"
    public static let aliases: [String: ReportingPeriod] = ["month": .monthly, "quarter": .quarterly, "year": .annual, "yearly": .annual]

    public var months: Int {
        switch self {
        case .monthly: return 1
        case .quarterly: return 3
        case .annual: return 12
        }
    }
}

/// A value on a day: a baseline, a target, a point of a trajectory, a reading.
public struct DatedValue: Codable, Hashable, Sendable {
    public var value: Double
    public var date: CalendarDate

    public init(value: Double, date: CalendarDate) { self.value = value; self.date = date }

    /// `VALUE@DATE`, as typed: `42.5@2024-03-31`.
    public static func parse(_ text: String, field: String, today: CalendarDate) throws(PlanError) -> DatedValue {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw .invalidValue(field: field, value: text, expected: "VALUE@DATE, like 42.5@2024-03-31")
        }
        let value = try Validation.measureValue(String(parts[0]), field: field)
        let date = try DateInput.parse(field: field, String(parts[1]), today: today)
        return DatedValue(value: value, date: date)
    }
}

extension Validation {
    /// A measure's value as typed or held in a cell: a finite number, with
    /// or without a trailing `%` and thousands commas (`42.5`, `42.5%`, `1,204`).
    public static func measureValue(_ text: String, field: String = "value") throws(PlanError) -> Double {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") { trimmed.removeLast(); trimmed = trimmed.trimmingCharacters(in: .whitespaces) }
        let grouped = trimmed.contains(",")
        if grouped {
            // Thousands commas only: 1,204 or 12,345.6, never 1,2.
            let whole = trimmed.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
            let digitsOnly = groups.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) || $0 == "-" } }
            guard digitsOnly, groups.dropFirst().allSatisfy({ $0.count == 3 }), let first = groups.first, !first.isEmpty, first.count <= 4 else {
                throw .invalidValue(field: field, value: text, expected: "a number, like 42.5")
            }
            trimmed = trimmed.replacingOccurrences(of: ",", with: "")
        }
        let allowed = trimmed.allSatisfy { ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
        guard allowed, let value = Double(trimmed), value.isFinite else {
            throw .invalidValue(field: field, value: text, expected: "a number, like 42.5")
        }
        return value
    }
}

/// An outcome measure: what a partnership counts to show whether its plan
/// made a difference, with where it started, where it means to be and by when.
public struct OutcomeMeasure: Codable, Hashable, Sendable {
    public var key: String
    public var partnership: String
    public var name: String
    public var unit: String
    public var direction: MeasureDirection
    public var baseline: DatedValue
    public var target: DatedValue
    /// Interim targets between baseline and target, by date.
    public var trajectory: [DatedValue]
    public var period: ReportingPeriod
    public var source: String?
    /// The findings it answers (`inspection#number`) and the actions expected to move it (`inspection/ref`).
    public var findings: [String]
    public var actions: [String]

    public init(key: String, partnership: String, name: String, unit: String, direction: MeasureDirection,
                baseline: DatedValue, target: DatedValue, trajectory: [DatedValue] = [], period: ReportingPeriod = .quarterly,
                source: String? = nil, findings: [String] = [], actions: [String] = []) {
        self.key = key; self.partnership = partnership; self.name = name; self.unit = unit; self.direction = direction
        self.baseline = baseline; self.target = target; self.trajectory = trajectory; self.period = period
        self.source = source; self.findings = findings; self.actions = actions
    }

    enum CodingKeys: String, CodingKey { case key, partnership, name, unit, direction, baseline, target, trajectory, period, source, findings, actions }

    /// A plan file may leave out the trajectory, period, findings and actions.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(key: try c.decode(String.self, forKey: .key), partnership: try c.decode(String.self, forKey: .partnership),
                  name: try c.decode(String.self, forKey: .name), unit: try c.decode(String.self, forKey: .unit),
                  direction: try c.decode(MeasureDirection.self, forKey: .direction),
                  baseline: try c.decode(DatedValue.self, forKey: .baseline), target: try c.decode(DatedValue.self, forKey: .target),
                  trajectory: try c.decodeIfPresent([DatedValue].self, forKey: .trajectory) ?? [],
                  period: try c.decodeIfPresent(ReportingPeriod.self, forKey: .period) ?? .quarterly,
                  source: try c.decodeIfPresent(String.self, forKey: .source),
                  findings: try c.decodeIfPresent([String].self, forKey: .findings) ?? [],
                  actions: try c.decodeIfPresent([String].self, forKey: .actions) ?? [])
    }

    public func validate() throws(PlanError) {
        try Validation.key(key, field: "key")
        try Validation.key(partnership, field: "partnership")
        try Validation.line(name, field: "name")
        try Validation.line(unit, field: "unit")
        try Validation.optionalLine(source, field: "source")
        for (field, point) in [("baseline", baseline), ("target", target)] + trajectory.map({ ("trajectory", $0) }) {
            guard point.value.isFinite else { throw .invalidValue(field: field, value: String(point.value), expected: "a number") }
            try Validation.date(point.date, field: field)
        }
        guard target.date > baseline.date else {
            throw .refused("target: its date \(target.date) is not after the baseline's (\(baseline.date))")
        }
        var previous = baseline.date
        for point in trajectory {
            guard point.date > previous, point.date < target.date else {
                throw .refused("trajectory: \(Self.format(point.value))@\(point.date) is not between the baseline (\(baseline.date)), "
                               + "the points before it and the target (\(target.date)), in date order")
            }
            previous = point.date
        }
        for finding in findings { try Validation.line(finding, field: "finding") }
        for action in actions { try Validation.line(action, field: "action") }
    }

    /// The planned path: baseline, trajectory, target.
    public var path: [DatedValue] { [baseline] + trajectory + [target] }

    /// A value as people write it: no trailing `.0`.
    /// Rounded to two decimal places for reading (`41.33`), never in stored data.
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        guard abs(value) < 1e13 else { return String(value) }
        let hundredths = (value * 100).rounded()
        if hundredths == 0 { return "0" }
        let whole = Int64(abs(hundredths)) / 100, fraction = Int64(abs(hundredths)) % 100
        var text = (hundredths < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            let digits = fraction < 10 ? "0" + String(fraction) : String(fraction)
            text += "." + (digits.hasSuffix("0") ? String(digits.dropLast()) : digits)
        }
        return text
    }
}

/// One dated value of a measure, with where it came from. Readings are never
/// changed or removed: a correction is a later reading of the same date that
/// `supersedes` it.
public struct MeasureReading: Codable, Hashable, Sendable {
    public var measure: String
    public var date: CalendarDate
    public var value: Double
    public var source: String?
    public var note: String?
    /// True for a correction of an earlier reading of the same date.
    public var supersedes: Bool

    public init(measure: String, date: CalendarDate, value: Double, source: String? = nil, note: String? = nil, supersedes: Bool = false) {
        self.measure = measure; self.date = date; self.value = value; self.source = source; self.note = note; self.supersedes = supersedes
    }

    enum CodingKeys: String, CodingKey { case measure, date, value, source, note, supersedes }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        measure = try c.decode(String.self, forKey: .measure)
        date = try c.decode(CalendarDate.self, forKey: .date)
        value = try c.decode(Double.self, forKey: .value)
        source = try c.decodeIfPresent(String.self, forKey: .source)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        supersedes = try c.decodeIfPresent(Bool.self, forKey: .supersedes) ?? false
    }

    /// `supersedes` is written only when true, so a plain reading reads as one.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(measure, forKey: .measure)
        try c.encode(date, forKey: .date)
        try c.encode(value, forKey: .value)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(note, forKey: .note)
        if supersedes { try c.encode(true, forKey: .supersedes) }
    }

    /// Checks a reading against its measure: a real number, not before the
    /// baseline, not after `today` (readings report what happened).
    public func validate(for measure: OutcomeMeasure, today: CalendarDate) throws(PlanError) {
        guard value.isFinite else { throw .invalidValue(field: "value", value: String(value), expected: "a number, like 42.5") }
        try Validation.date(date, field: "date")
        try Validation.optionalLine(source, field: "source")
        try Validation.optionalText(note, field: "note")
        if date < measure.baseline.date {
            throw .refused("date: \(date) is before the baseline of measure '\(measure.key)' (\(measure.baseline.date))")
        }
        try Validation.notFuture(date, today: today, field: "date")
    }
}

// MARK: - The rules

/// How an outcome measure stands on a day: every outcome rule, one definition each.
public struct OutcomeAssessment: Codable, Hashable, Sendable {
    /// The readings as of the day, one per date (a correction replaces the
    /// reading it supersedes), oldest first.
    public var readings: [DatedValue]
    public var latest: DatedValue?
    public var change: Change?
    /// The planned value for the latest reading's date, and whether the reading is at or past it.
    public var planned: Double?
    public var onTrack: Bool?
    public var trend: RunChart
    public var target: TargetStatus
    /// `stale-data`: no reading since the baseline, or none in the last two reporting periods.
    public var stale: Bool

    /// The latest reading against the baseline.
    public struct Change: Codable, Hashable, Sendable {
        /// Latest minus baseline.
        public var absolute: Double
        /// As a fraction of the baseline; nil when the baseline is 0.
        public var relative: Double?
        /// Better, worse or the same, in the measure's direction.
        public var verdict: Verdict

        public enum Verdict: String, Codable, Sendable { case better, worse, same }
    }

    public enum TargetStatus: String, Codable, Sendable, CaseIterable {
        /// The latest reading is at or past the target.
        case met
        /// The target date has passed and the latest reading is short of it.
        case missed
        /// Not met yet, target date still to come.
        case open
        /// No reading since the baseline; or, for a target still open, stale data.
        case noData = "no-data"
    }
}

/// The run-chart reading of a measure's data (Healthcare Improvement
/// Scotland's run chart rules): a median from the baseline period, then
/// shifts, trends and the number of runs.
public struct RunChart: Codable, Hashable, Sendable {
    public var verdict: Verdict
    public var rule: Rule
    /// The median of the baseline period; nil with fewer readings than the period needs.
    public var median: Double?
    /// How many readings the median was taken from.
    public var baselineCount: Int
    /// The readings (indices into the assessment's readings) that form the signal.
    public var points: [Int]
    /// Runs counted, and the limits for the number of useful readings (nil below 10).
    public var runs: Int
    public var runsLimits: ClosedRange<Int>?

    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case improving, worsening
        case noClearChange = "no-clear-change"
    }

    public enum Rule: String, Codable, Sendable, CaseIterable {
        case shift, trend
        case tooFewRuns = "too-few-runs"
        case tooManyRuns = "too-many-runs"
        /// Enough readings, no signal.
        case none
        /// Too few readings for a median, and no trend.
        case tooFewReadings = "too-few-readings"
    }

    /// The rules' thresholds.
    public static let shiftLength = 6, trendLength = 5, baselinePeriod = 6, runsMinimum = 10

    /// Reads `values` (oldest first). The median comes from the readings
    /// dated before `agreed` when there are at least `baselinePeriod` of
    /// them, otherwise from the first `baselinePeriod`.
    public static func read(_ values: [DatedValue], direction: MeasureDirection, agreed: CalendarDate? = nil) -> RunChart {
        let numbers = values.map(\.value)
        let beforeAgreement = agreed.map { day in values.prefix { $0.date < day }.count } ?? 0
        let baselineCount = beforeAgreement >= baselinePeriod ? beforeAgreement : min(baselinePeriod, numbers.count)
        let median = numbers.count >= baselinePeriod ? Self.median(Array(numbers.prefix(baselineCount))) : nil

        // Signals: (end index, rule, up?, points); the latest-ending wins, a shift before a trend.
        var signals: [(end: Int, rule: Rule, up: Bool, points: [Int])] = []
        if let median {
            var side = 0, run: [Int] = []
            func close() { if run.count >= shiftLength, let last = run.last { signals.append((last, .shift, side > 0, run)) } }
            for (index, value) in numbers.enumerated() where value != median {
                let here = value > median ? 1 : -1
                if here != side { close(); run = []; side = here }
                run.append(index)
            }
            close()
        }
        do {
            var direction = 0, run: [Int] = []
            func close() { if run.count >= trendLength, let last = run.last { signals.append((last, .trend, direction > 0, run)) } }
            for (index, value) in numbers.enumerated() {
                guard let previous = run.last else { run = [index]; continue }
                let step = value > numbers[previous] ? 1 : value < numbers[previous] ? -1 : 0
                if step == 0 { continue }
                if step != direction {
                    close()
                    run = [previous]
                    direction = step
                }
                run.append(index)
            }
            close()
        }
        var runs = 0, lastSide = 0, useful = 0
        if let median {
            for value in numbers where value != median {
                let here = value > median ? 1 : -1
                if here != lastSide { runs += 1; lastSide = here }
                useful += 1
            }
        }
        let limits = useful >= runsMinimum ? runsLimits(useful: useful) : nil

        func verdict(up: Bool) -> Verdict { up == (direction == .higher) ? .improving : .worsening }
        let best = signals.max { a, b in a.end != b.end ? a.end < b.end : (a.rule == .trend && b.rule == .shift) }
        if let best {
            return RunChart(verdict: verdict(up: best.up), rule: best.rule, median: median, baselineCount: baselineCount,
                            points: best.points, runs: runs, runsLimits: limits)
        }
        if let limits, let median {
            if runs < limits.lowerBound {
                let last = numbers.lastIndex { $0 != median }
                let up = last.map { numbers[$0] > median } ?? true
                return RunChart(verdict: verdict(up: up), rule: .tooFewRuns, median: median, baselineCount: baselineCount,
                                points: [], runs: runs, runsLimits: limits)
            }
            if runs > limits.upperBound {
                return RunChart(verdict: .noClearChange, rule: .tooManyRuns, median: median, baselineCount: baselineCount,
                                points: [], runs: runs, runsLimits: limits)
            }
        }
        return RunChart(verdict: .noClearChange, rule: median == nil ? .tooFewReadings : .none, median: median,
                        baselineCount: baselineCount, points: [], runs: runs, runsLimits: limits)
    }

    /// The middle value, or the mean of the middle two.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The fewest and most runs that chance alone gives for `useful` readings
    /// off the median: the 2.5th and 97.5th percentiles of the number of runs
    /// in a random order of ⌊n/2⌋ readings above and ⌈n/2⌉ below (Swed and
    /// Eisenhart's distribution, from which the run chart guidance's table is made).
    public static func runsLimits(useful n: Int) -> ClosedRange<Int> {
        let n1 = n / 2, n2 = n - n1
        func logChoose(_ a: Int, _ b: Int) -> Double {
            guard b >= 0, b <= a else { return -.infinity }
            return lgamma(Double(a + 1)) - lgamma(Double(b + 1)) - lgamma(Double(a - b + 1))
        }
        let total = logChoose(n, n1)
        func probability(_ r: Int) -> Double {
            let k = r / 2
            if r % 2 == 0 { return 2 * exp(logChoose(n1 - 1, k - 1) + logChoose(n2 - 1, k - 1) - total) }
            return exp(logChoose(n1 - 1, k) + logChoose(n2 - 1, k - 1) - total) + exp(logChoose(n1 - 1, k - 1) + logChoose(n2 - 1, k) - total)
        }
        let most = 2 * min(n1, n2) + (n1 == n2 ? 0 : 1)
        var cumulative = 0.0, lower = 2
        for r in 2...most {
            cumulative += probability(r)
            if cumulative > 0.025 { lower = r; break }
        }
        cumulative = 0; var upper = most
        for r in stride(from: most, through: 2, by: -1) {
            cumulative += probability(r)
            if cumulative > 0.025 { upper = r; break }
        }
        return lower...upper
    }
}

extension OutcomeMeasure {
    /// The readings in effect as of `day`: one per date, a correction in
    /// place of what it supersedes (readings are given in the order recorded).
    public static func effective(_ readings: [MeasureReading], asOf day: CalendarDate) -> [DatedValue] {
        var byDate: [CalendarDate: Double] = [:]
        for reading in readings where reading.date <= day { byDate[reading.date] = reading.value }
        return byDate.map { DatedValue(value: $0.value, date: $0.key) }.sorted { $0.date < $1.date }
    }

    /// The planned value on `day`: straight lines between the points of the
    /// path (baseline, trajectory, target); the target itself after its date.
    public func planned(on day: CalendarDate) -> Double {
        let points = path
        guard let first = points.first, day > first.date else { return baseline.value }
        for (a, b) in zip(points, points.dropFirst()) where day <= b.date {
            let span = Double(a.date.days(until: b.date))
            return a.value + (b.value - a.value) * Double(a.date.days(until: day)) / span
        }
        return target.value
    }

    /// `a` is at least as good as `b` in the measure's direction.
    public func isAtOrPast(_ a: Double, _ b: Double) -> Bool { direction == .higher ? a >= b : a <= b }

    /// Every outcome rule as of `day`, over readings given in the order recorded.
    public func assess(_ readings: [MeasureReading], asOf day: CalendarDate, agreed: CalendarDate? = nil) -> OutcomeAssessment {
        let values = Self.effective(readings, asOf: day)
        let latest = values.last
        let change = latest.map { reading -> OutcomeAssessment.Change in
            let absolute = reading.value - baseline.value
            let signed = direction == .higher ? absolute : -absolute
            return OutcomeAssessment.Change(absolute: absolute, relative: baseline.value == 0 ? nil : absolute / abs(baseline.value),
                                            verdict: signed > 0 ? .better : signed < 0 ? .worse : .same)
        }
        let plannedValue = latest.map { self.planned(on: $0.date) }
        let onTrack = latest.flatMap { reading in plannedValue.map { isAtOrPast(reading.value, $0) } }
        let sinceBaseline = values.contains { $0.date > baseline.date }
        let stale = !sinceBaseline || (latest.map { $0.date < day.adding(months: -2 * period.months) } ?? true)
        let status: OutcomeAssessment.TargetStatus
        // Judged on the data there are: a target is met or missed on any
        // reading since the baseline; only an open target waits on fresh data.
        if !sinceBaseline { status = .noData }
        else if let latest, isAtOrPast(latest.value, target.value) { status = .met }
        else if day > target.date { status = .missed }
        else if stale { status = .noData }
        else { status = .open }
        return OutcomeAssessment(readings: values, latest: latest, change: change, planned: plannedValue, onTrack: onTrack,
                                 trend: RunChart.read(values, direction: direction, agreed: agreed), target: status, stale: stale)
    }
}
