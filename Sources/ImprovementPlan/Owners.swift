/// Owners' names as people type them: one owner may be spelt several ways
/// across a plan ("Chief Social Work Officer", "chief social work officer",
/// "Chief Social Work Officer."), and a filter names part of one.
extension Rules {
    /// The spellings that hold `part` (any case, any run of spaces as one).
    public static func owners(containing part: String, among spellings: some Sequence<String>) -> [String] {
        let wanted = ownerKey(part)
        guard !wanted.isEmpty else { return [] }
        return spellings.filter { ownerKey($0).contains(wanted) }.sorted()
    }

    /// What two spellings of one owner share: lower case, single spaces, no
    /// full stops or commas at the end.
    public static func ownerKey(_ name: String) -> String {
        var key = name.normalisedName.lowercased()
        while let last = key.last, last == "." || last == "," || last == ";" { key.removeLast() }
        return key.trimmed
    }

    /// Each spelling with its counts, those that are one owner by `ownerKey`
    /// next to each other (the most used spelling first), groups by name.
    public static func ownerSpellings(_ counts: [OwnerSpelling]) -> [OwnerSpelling] {
        var groups: [String: [OwnerSpelling]] = [:]
        for spelling in counts { groups[spelling.key, default: []].append(spelling) }
        var result: [OwnerSpelling] = []
        for key in groups.keys.sorted() {
            var group = groups[key] ?? []
            group.sort { ($1.actions, $0.owner) < ($0.actions, $1.owner) }
            for index in group.indices { group[index].spellings = group.count }
            result += group
        }
        return result
    }
}

/// One way an owner's name is written, and how many actions hold it.
public struct OwnerSpelling: Codable, Hashable, Sendable {
    public var owner: String
    /// The name as spellings are matched (`Rules.ownerKey`).
    public var key: String
    public var actions: Int
    public var open: Int
    /// How many spellings share this one's key (1: no other spelling).
    public var spellings: Int

    public init(owner: String, actions: Int, open: Int) {
        self.owner = owner; self.key = Rules.ownerKey(owner); self.actions = actions; self.open = open; self.spellings = 1
    }
}
