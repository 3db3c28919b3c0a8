import ImprovementPlan

/// Outcome measures in words and tables: the outcomes report, `follow`'s
/// Outcomes section, `measure list` and `measure show`.
public enum OutcomeWords {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The readings as one line, lowest to highest in eight steps: Unicode
    /// blocks, or the digits 1–8 where `plain` (no colour, or not a terminal);
    /// then the good direction, ↑ or ↓ (`up`/`down` where plain).
    public static func sparkline(_ values: [Double], direction: MeasureDirection, plain: Bool) -> String {
        guard !values.isEmpty else { return "" }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let steps = values.map { value -> Int in
            guard high > low else { return 3 }
            return min(7, Int(((value - low) / (high - low) * 8).rounded(.down)))
        }
        let line = plain ? steps.map { String($0 + 1) }.joined() : String(steps.map { blocks[$0] })
        let arrow = direction == .higher ? (plain ? "up" : "↑") : (plain ? "down" : "↓")
        return line + " " + arrow + (plain ? " is better" : "")
    }

    static func value(_ value: Double?, unit: String) -> String {
        guard let value else { return "" }
        return OutcomeMeasure.format(value) + (unit == "%" ? "%" : "")
    }

    public static func dated(_ point: DatedValue?, unit: String) -> String {
        guard let point else { return "none" }
        return "\(value(point.value, unit: unit)) (\(point.date))"
    }

    /// "+12 (+30%)": the latest reading against the baseline.
    public static func change(_ change: OutcomeAssessment.Change?, unit: String) -> String {
        guard let change else { return "" }
        let sign = change.absolute > 0 ? "+" : ""
        let relative = change.relative.map { r -> String in
            let percent = OutcomeMeasure.format(r * 100)
            return " (" + (r > 0 ? "+" : "") + percent + "%)"
        } ?? ""
        return sign + OutcomeMeasure.format(change.absolute) + (unit == "%" ? " points" : "") + relative
    }

    /// "improving (shift)", "no clear change (no signal)", "no clear change (too few readings)".
    public static func trend(_ verdict: RunChart.Verdict, rule: RunChart.Rule) -> String {
        verdict.rawValue.replacingOccurrences(of: "-", with: " ") + " ("
            + (rule == .none ? "no signal" : rule.rawValue.replacingOccurrences(of: "-", with: " ")) + ")"
    }

    static func onTrack(_ row: OutcomeRow) -> String {
        guard let onTrack = row.onTrack else { return "" }
        return (onTrack ? "yes" : "no") + (row.planned.map { " (plan \(value($0, unit: row.unit)))" } ?? "")
    }

    /// `report outcomes`: one line per measure. With `plain` false the readings are Unicode blocks.
    public static func table(_ rows: [OutcomeRow], plain: Bool, partnership: Bool = true) -> Table {
        var columns: [Table.Column] = partnership ? [.init("partnership", drop: 9)] : []
        columns += [
            .init("measure", wrap: true), .init("unit", drop: 8), .init("baseline", drop: 6), .init("latest"), .init("target", drop: 5),
            .init("change", drop: 4), .init("onTrack", drop: 3), .init("trend", wrap: true), .init("targetStatus", title: "Target status", drop: 2),
            .init("actions", title: "Actions done", drop: 7), .init("flags", wrap: true), .init("readings", drop: 1),
        ]
        var table = Table(columns: columns)
        for r in rows {
            let cells = [r.measure, r.unit, dated(r.baseline, unit: r.unit), dated(r.latest, unit: r.unit), dated(r.target, unit: r.unit),
                         change(r.change, unit: r.unit), onTrack(r), trend(r.trend, rule: r.rule), r.targetStatus.rawValue,
                         r.actions == 0 ? "none linked" : "\(r.actionsComplete)/\(r.actions)",
                         r.flags.map(\.rawValue).joined(separator: ", "),
                         sparkline(r.readings.map(\.value), direction: r.direction, plain: plain)]
            table.append((partnership ? [r.partnership] : []) + cells)
        }
        return table
    }

    /// The CSV of the outcomes report: every value in its own column, no words added.
    public static func csvHeader() -> [String] {
        ["partnership", "measure", "name", "unit", "direction", "baselineValue", "baselineDate", "latestValue", "latestDate",
         "targetValue", "targetDate", "change", "relativeChange", "planned", "onTrack", "trend", "rule", "median", "signal",
         "targetStatus", "actions", "actionsComplete", "flags", "readings"]
    }

    public static func csvCells(_ r: OutcomeRow) -> [String] {
        func number(_ value: Double?) -> String { value.map(OutcomeMeasure.format) ?? "" }
        return [r.partnership, r.measure, r.name, r.unit, r.direction.rawValue, number(r.baseline.value), r.baseline.date.iso,
                number(r.latest?.value), r.latest?.date.iso ?? "", number(r.target.value), r.target.date.iso,
                number(r.change?.absolute), number(r.change?.relative), number(r.planned), r.onTrack.map { $0 ? "yes" : "no" } ?? "",
                r.trend.rawValue, r.rule.rawValue, number(r.median), r.signal.map(\.iso).joined(separator: " "),
                r.targetStatus.rawValue, String(r.actions), String(r.actionsComplete), r.flags.map(\.rawValue).joined(separator: " "),
                r.readings.map { "\(OutcomeMeasure.format($0.value))@\($0.date.iso)" }.joined(separator: " ")]
    }

    /// One sentence per measure, for `follow`: "Children's views in meetings: 62% (2024-09-30),
    /// improving (shift), target 75% by 2025-03-31 open; actions 3/4 done."
    public static func sentence(_ r: OutcomeRow) -> String {
        var text = "\(r.name) (\(r.measure)): "
        if let latest = r.latest {
            text += "\(value(latest.value, unit: r.unit)) on \(latest.date), \(change(r.change, unit: r.unit)) from the baseline; "
        } else {
            text += "no reading yet; "
        }
        text += trend(r.trend, rule: r.rule) + "; target \(value(r.target.value, unit: r.unit)) by \(r.target.date): \(r.targetStatus.rawValue)"
        if r.actions > 0 { text += "; actions \(r.actionsComplete)/\(r.actions) complete" }
        if !r.flags.isEmpty { text += " [" + r.flags.map(\.rawValue).joined(separator: ", ") + "]" }
        return text
    }

    /// `measure list`: the measures, as defined.
    public static func list(_ measures: [OutcomeMeasure]) -> Table {
        var table = Table(columns: [.init("partnership"), .init("measure"), .init("name", wrap: true), .init("unit"), .init("direction"),
                                    .init("baseline"), .init("target"), .init("period"), .init("findings", wrap: true), .init("actions", wrap: true)])
        for m in measures {
            table.append([m.partnership, m.key, m.name, m.unit, m.direction.rawValue, "\(OutcomeMeasure.format(m.baseline.value))@\(m.baseline.date)",
                          "\(OutcomeMeasure.format(m.target.value))@\(m.target.date)", m.period.rawValue,
                          m.findings.joined(separator: " "), m.actions.joined(separator: " ")])
        }
        return table
    }

    /// `measure show`: every reading, corrections marked.
    public static func readings(_ readings: [MeasureReading], unit: String) -> Table {
        var table = Table(columns: [.init("date"), .init("value", alignRight: true), .init("source", wrap: true), .init("note", wrap: true),
                                    .init("correction")])
        for r in readings {
            table.append([r.date.iso, value(r.value, unit: unit), r.source ?? "", r.note ?? "", r.supersedes ? "supersedes" : ""])
        }
        return table
    }
}
