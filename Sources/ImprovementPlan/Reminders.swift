/// What one person is reminded of (`planwatch remind`): for an officer, the
/// actions of their partnerships that are overdue or due within the window,
/// grouped by owner; for an inspector, what waits on them — requested
/// extensions, linking reviews due and completions awaiting sign-off.
/// A reminder with nothing in it is never sent.
public struct Reminder: Codable, Hashable, Sendable {
    /// Who it is for (an enabled account with an email address).
    public var user: UserAccount
    public var asOf: CalendarDate
    /// Days ahead that count as due: an action due by `asOf + within` is listed.
    public var within: Int
    /// Officer: per partnership, its owners' overdue and due-soon actions (owners with neither left out).
    public var partnerships: [PartnershipDue]
    /// Inspector: requested extensions awaiting a decision, oldest first.
    public var extensionRequests: [PendingExtension]
    /// Inspector: partnerships whose next linking review is due within the window, or has passed without a review.
    public var reviewsDue: [LinkingRow]
    /// Inspector: complete actions no inspector has signed off yet.
    public var awaitingSignOff: [ActionRow]

    public init(user: UserAccount, asOf: CalendarDate, within: Int, partnerships: [PartnershipDue] = [],
                extensionRequests: [PendingExtension] = [], reviewsDue: [LinkingRow] = [], awaitingSignOff: [ActionRow] = []) {
        self.user = user; self.asOf = asOf; self.within = within; self.partnerships = partnerships
        self.extensionRequests = extensionRequests; self.reviewsDue = reviewsDue; self.awaitingSignOff = awaitingSignOff
    }

    /// One partnership's owners with work overdue or due soon.
    public struct PartnershipDue: Codable, Hashable, Sendable {
        public var partnership: String
        public var name: String
        public var owners: [OwnerDigest]

        public init(partnership: String, name: String, owners: [OwnerDigest]) {
            self.partnership = partnership; self.name = name; self.owners = owners
        }
    }

    /// The last day that counts as due soon.
    public var horizon: CalendarDate { asOf.adding(days: within) }

    public var overdueCount: Int { partnerships.reduce(0) { $0 + $1.owners.reduce(0) { $0 + $1.overdue.count } } }
    public var dueSoonCount: Int { partnerships.reduce(0) { $0 + $1.owners.reduce(0) { $0 + $1.dueSoon.count } } }

    /// Nothing to say: such a reminder is not sent.
    public var isEmpty: Bool {
        overdueCount == 0 && dueSoonCount == 0 && extensionRequests.isEmpty && reviewsDue.isEmpty && awaitingSignOff.isEmpty
    }

    /// Keeps, of an owner's digest, only what a reminder lists: overdue and due soon.
    public static func dueOnly(_ digests: [OwnerDigest]) -> [OwnerDigest] {
        digests.compactMap { digest in
            var kept = digest
            kept.other = []
            return kept.overdue.isEmpty && kept.dueSoon.isEmpty ? nil : kept
        }
    }

    /// Whether a partnership's linking review is due by the horizon: its next review date falls on or before it
    /// (the follow-up overdue when it has passed).
    public static func reviewDue(_ row: LinkingRow, horizon: CalendarDate) -> Bool {
        row.followUpOverdue || (row.nextReview.map { $0 <= horizon } ?? false)
    }

    /// The number of days a reminder may look ahead: 0 (due today) to 366.
    public static func validateWithin(_ days: Int) throws(PlanError) {
        guard (0...366).contains(days) else {
            throw .invalidValue(field: "within", value: String(days), expected: "a number of days from 0 to 366")
        }
    }
}
