import ImprovementPlan
import PlanFormats

/// The geometry of the dashboard's SVG charts: numbers only. Every word on a
/// chart goes into the template as text (escaped there); nothing here writes markup.
enum Charts {
    /// A coordinate with one decimal, as SVG reads it ("12.5", "0").
    static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        let whole = Int(tenths) / 10, fraction = abs(Int(tenths) % 10)
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// The stacked RAG bar: one segment per RAG class, widths in proportion to the counts.
    static let ragWidth = 240.0

    static func ragSegments(_ p: PartnershipProgress) -> [[String: Any]] {
        let parts: [(RAG, Int)] = [(.red, p.red), (.amber, p.amber), (.green, p.green), (.complete, p.complete), (.withdrawn, p.withdrawn)]
        let total = parts.map(\.1).reduce(0, +)
        var x = 0.0
        return parts.map { rag, count in
            let width = total == 0 ? 0 : ragWidth * Double(count) / Double(total)
            defer { x += width }
            return ["rag": rag.rawValue, "count": count, "x": n(x), "width": n(width), "word": HTMLWords.rag(rag)]
        }
    }

    /// A plot area: x from `x0` to `x1` over days `d0...d1`, y from `y0`
    /// (bottom, value `v0`) up to `y1` (top, value `v1`).
    struct Frame {
        var x0: Double, x1: Double, y0: Double, y1: Double
        var d0: Int, d1: Int
        var v0: Double, v1: Double

        func x(_ day: Int) -> Double {
            d1 == d0 ? (x0 + x1) / 2 : x0 + (x1 - x0) * Double(day - d0) / Double(d1 - d0)
        }

        func y(_ value: Double) -> Double {
            v1 == v0 ? (y0 + y1) / 2 : y0 - (y0 - y1) * (value - v0) / (v1 - v0)
        }

        func point(_ day: Int, _ value: Double) -> String { n(x(day)) + "," + n(y(value)) }
    }

    /// A round number at or above `value` for an axis's top (1, 2, 5 × 10ⁿ).
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        var step = 1.0
        while step * 10 <= value { step *= 10 }
        for m in [1.0, 2.0, 5.0, 10.0] where m * step >= value { return m * step }
        return 10 * step
    }

    /// The burn-up: completed and due by month, and the total actions.
    static func burnUp(_ points: [BurnUpPoint], total: Int) -> [String: Any]? {
        guard let first = points.first, let last = points.last else { return nil }
        let top = niceCeiling(Double(max(total, last.due, 1)))
        let frame = Frame(x0: 40, x1: 580, y0: 190, y1: 20, d0: first.through.dayNumber, d1: last.through.dayNumber, v0: 0, v1: top)
        let due = points.map { frame.point($0.through.dayNumber, Double($0.due)) }.joined(separator: " ")
        let completed = points.map { frame.point($0.through.dayNumber, Double($0.completed)) }.joined(separator: " ")
        // Month labels: about six along the axis, always the first and the last.
        let every = max(1, (points.count + 5) / 6)
        var labels: [[String: Any]] = []
        var lastX = -1000.0
        for (i, p) in points.enumerated() where i % every == 0 || i == points.count - 1 {
            let x = frame.x(p.through.dayNumber)
            if x - lastX < 55 {
                guard i == points.count - 1, !labels.isEmpty else { continue }
                labels.removeLast()
            }
            labels.append(["x": n(x), "text": HTMLWords.month(p.month), "anchor": i == points.count - 1 && i > 0 ? "end" : "middle"])
            lastX = x
        }
        let ticks = (top.truncatingRemainder(dividingBy: 2) == 0 ? [0.0, top / 2, top] : [0.0, top]).map { ["y": n(frame.y($0)), "text": OutcomeMeasure.format($0)] as [String: Any] }
        return [
            "due": due, "completed": completed, "totalY": n(frame.y(Double(total))), "total": total,
            "x0": n(frame.x0), "x1": n(frame.x1), "y0": n(frame.y0), "y1": n(frame.y1),
            "labels": labels, "ticks": ticks,
            "lastDue": last.due, "lastCompleted": last.completed, "through": last.through.iso,
            "months": points.map { ["month": $0.month.iso.prefix(7).description, "due": $0.due, "completed": $0.completed] as [String: Any] },
        ]
    }

    /// The ageing of overdue actions: one horizontal bar per bucket.
    static func ageing(_ counts: [AgeingBucket: Int]) -> [[String: Any]] {
        let top = Double(max(counts.values.max() ?? 0, 1))
        return AgeingBucket.allCases.enumerated().map { i, bucket in
            let count = counts[bucket] ?? 0
            return ["bucket": bucket.rawValue, "label": HTMLWords.bucket(bucket), "count": count,
                    "y": n(Double(i) * 26 + 4), "textY": n(Double(i) * 26 + 19),
                    "width": n(300 * Double(count) / top), "countX": n(130 + 300 * Double(count) / top + 6)]
        }
    }

    /// The linking timeline: a marker per milestone between the first and the as-of day.
    static func timeline(_ milestones: [LinkingMilestone], asOf: CalendarDate) -> [String: Any]? {
        guard let first = milestones.first else { return nil }
        let frame = Frame(x0: 20, x1: 580, y0: 30, y1: 30, d0: first.date.dayNumber, d1: max(asOf.dayNumber, first.date.dayNumber + 1), v0: 0, v1: 0)
        let marks = milestones.enumerated().map { i, m in
            ["x": n(frame.x(m.date.dayNumber)), "kind": m.kind == .review ? "review" : "plan", "number": i + 1,
             "labelY": n(i % 2 == 0 ? 18 : 52)] as [String: Any]
        }
        return ["marks": marks, "start": first.date.iso, "end": asOf.iso]
    }

    /// One outcome measure's run chart: readings, the planned line, target, median.
    static func outcome(_ row: OutcomeRow, planned: [DatedValue]) -> [String: Any] {
        let plan = planned.isEmpty ? [row.baseline, row.target] : planned
        let all = row.readings + plan
        let days = all.map(\.date.dayNumber), values = all.map(\.value) + (row.median.map { [$0] } ?? [])
        let low = values.min() ?? 0, high = values.max() ?? 1
        let pad = high == low ? max(abs(high) * 0.1, 1) : (high - low) * 0.08
        let frame = Frame(x0: 44, x1: 330, y0: 130, y1: 14, d0: days.min() ?? 0, d1: days.max() ?? 1, v0: low - pad, v1: high + pad)
        let signal = Set(row.signal)
        let dots = row.readings.map { r in
            ["cx": n(frame.x(r.date.dayNumber)), "cy": n(frame.y(r.value)), "signal": signal.contains(r.date),
             "date": r.date.iso, "value": OutcomeMeasure.format(r.value)] as [String: Any]
        }
        var chart: [String: Any] = [
            "readings": row.readings.map { frame.point($0.date.dayNumber, $0.value) }.joined(separator: " "),
            "planned": plan.map { frame.point($0.date.dayNumber, $0.value) }.joined(separator: " "),
            "dots": dots, "hasReadings": !row.readings.isEmpty,
            "targetX": n(frame.x(row.target.date.dayNumber)), "targetY": n(frame.y(row.target.value)),
            "baselineX": n(frame.x(row.baseline.date.dayNumber)), "baselineY": n(frame.y(row.baseline.value)),
            "x0": n(frame.x0), "x1": n(frame.x1), "y0": n(frame.y0), "y1": n(frame.y1),
            "top": OutcomeMeasure.format(frame.v1 - pad), "bottom": OutcomeMeasure.format(frame.v0 + pad),
            "topY": n(frame.y(high)), "bottomY": n(frame.y(low)),
            "startText": row.readings.first.map { HTMLWords.month($0.date) } ?? HTMLWords.month(row.baseline.date),
            "endText": HTMLWords.month(CalendarDate(dayNumber: frame.d1)),
        ]
        if let median = row.median { chart["medianY"] = n(frame.y(median)); chart["median"] = OutcomeMeasure.format(median) }
        return chart
    }
}
