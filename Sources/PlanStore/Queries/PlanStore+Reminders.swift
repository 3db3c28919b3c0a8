import ImprovementPlan

/// The reminders of `planwatch remind`: one per enabled account, built from
/// the reports every other command reads (the owners' digest, the linking
/// report, the queue of requests and sign-offs), so a reminder never says
/// what a report would not.
extension PlanStore {
    /// A reminder for each enabled officer and inspector (or for the named
    /// users only), as of `asOf`, looking `within` days ahead; empty ones are
    /// left out, as are admins, whose role follows no plan.
    public func reminders(asOf: CalendarDate, within: Int, users names: [String]? = nil) throws -> [Reminder] {
        try Reminder.validateWithin(within)
        let accounts: [UserAccount]
        if let names {
            accounts = try names.map { try user(named: $0) }
        } else {
            accounts = try users()
        }
        var thresholds = Thresholds.standard
        thresholds.dueSoonDays = within
        let names = Dictionary(try partnerships().map { ($0.key, $0.name) }, uniquingKeysWith: { first, _ in first })
        // Each partnership's figures are read once, however many people it has.
        var digests: [String: [OwnerDigest]] = [:]
        func dueDigests(_ key: String) throws -> [OwnerDigest] {
            if let known = digests[key] { return known }
            let found = Reminder.dueOnly(try ownerDigests(ActionFilter(partnership: key), asOf: asOf, thresholds: thresholds))
            digests[key] = found
            return found
        }
        let inspectors = accounts.filter { $0.role == .inspector && !$0.disabled }
        let covered = Set(inspectors.flatMap(\.partnerships))
        let linking = inspectors.isEmpty ? [] : try linkingReport(ActionFilter(), asOf: asOf, thresholds: thresholds)
            .filter { covered.contains($0.partnership) }
        let requests = inspectors.isEmpty ? [] : try extensionRequests(partnerships: covered)
        let completions = inspectors.isEmpty ? [] : try completionsAwaitingSignOff(partnerships: covered, asOf: asOf)

        var reminders: [Reminder] = []
        for account in accounts where !account.disabled {
            var reminder = Reminder(user: account, asOf: asOf, within: within)
            let mine = Set(account.partnerships)
            switch account.role {
            case .officer:
                reminder.partnerships = try account.partnerships.compactMap { key in
                    let owners = try dueDigests(key)
                    return owners.isEmpty ? nil : Reminder.PartnershipDue(partnership: key, name: names[key] ?? key, owners: owners)
                }
            case .inspector:
                reminder.extensionRequests = requests.filter { mine.contains($0.partnership) }
                reminder.reviewsDue = linking.filter { mine.contains($0.partnership) && Reminder.reviewDue($0, horizon: reminder.horizon) }
                reminder.awaitingSignOff = completions.filter { mine.contains($0.partnership) }
            case .admin:
                continue
            }
            if !reminder.isEmpty { reminders.append(reminder) }
        }
        return reminders
    }
}
