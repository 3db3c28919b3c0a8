/// Who may use a shared planwatch (`planwatch serve`), and what each may do.
///
/// The two sides of the process, and those who run the tool: officers of a
/// partnership report on its plan; link inspectors follow the partnerships
/// assigned to them; admins keep the accounts, partnerships and inspections.
/// See docs/server.md for the permission table in words.
public enum Role: String, Vocabulary {
    case admin
    case inspector
    case officer

    public static let fieldName = "role"
    public static let aliases: [String: Role] = [
        "administrator": .admin, "link-inspector": .inspector, "lead-officer": .officer, "partnership-officer": .officer,
    ]
}

/// A person's account: their name (the audit actor for every change they
/// make), how to reach them, their role and the partnerships it covers.
/// The password is never part of it: only the day it was last set.
public struct UserAccount: Codable, Hashable, Sendable {
    /// The login name, as the audit trail records it: `a.smith`.
    public var name: String
    public var email: String
    public var role: Role
    /// The partnerships an officer reports for or an inspector is assigned to (keys, sorted); none for an admin.
    public var partnerships: [String]
    /// A disabled account can neither log in nor use its tokens; its history stays.
    public var disabled: Bool
    /// When the password was last set (UTC instant); nil while the account has none.
    public var passwordSetAt: String?

    public init(name: String, email: String, role: Role, partnerships: [String] = [], disabled: Bool = false, passwordSetAt: String? = nil) {
        self.name = name; self.email = email; self.role = role
        self.partnerships = partnerships; self.disabled = disabled; self.passwordSetAt = passwordSetAt
    }

    /// Longest password bcrypt reads: it ignores every byte after the 72nd, so a longer one is refused rather than cut.
    public static let longestPassword = 72
    /// Shortest password accepted.
    public static let shortestPassword = 12

    public func validate() throws(PlanError) {
        try UserAccount.validateName(name)
        try UserAccount.validateEmail(email)
        for key in partnerships { try Validation.key(key, field: "partnership") }
        switch role {
        case .admin where !partnerships.isEmpty:
            throw .refused("role: an admin covers every partnership; give --partnership to officers and inspectors only")
        case .officer where partnerships.isEmpty, .inspector where partnerships.isEmpty:
            throw .refused("partnership: an \(role.rawValue) needs at least one (--partnership)")
        default: break
        }
    }

    /// A login name: 1 to 64 of lower-case letters, digits, '.', '-' and '_', starting with a letter or digit.
    public static func validateName(_ name: String) throws(PlanError) {
        let bytes = Array(name.utf8)
        func allowed(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
        let startsWell = bytes.first.map { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } ?? false
        guard startsWell, bytes.count <= 64, bytes.allSatisfy(allowed) else {
            throw .invalidValue(field: "user", value: Validation.shown(name),
                                expected: "1 to 64 lower-case letters, digits, '.', '-' or '_', like 'a.smith'")
        }
    }

    /// An address with one '@', text either side, a dot in the domain, and no spaces or control characters.
    public static func validateEmail(_ email: String) throws(PlanError) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && email.utf8.count <= 254 && email.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0 != "<" && $0 != ">" }
        guard valid else {
            throw .invalidValue(field: "email", value: Validation.shown(email), expected: "an address like 'a.smith@council.gov.uk'")
        }
    }

    /// A password's length in bytes, between the shortest and bcrypt's longest.
    public static func validatePassword(_ password: String) throws(PlanError) {
        let count = password.utf8.count
        guard count >= shortestPassword else { throw .refused("password: at least \(shortestPassword) characters, please (this one has \(password.count))") }
        guard count <= longestPassword else { throw .refused("password: at most \(longestPassword) bytes (bcrypt ignores the rest); this one has \(count)") }
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .refused("password: no line breaks, tabs or control characters")
        }
    }
}

/// What a request asks to do to a partnership's records.
public enum PlanOperation: String, CaseIterable, Sendable {
    /// See its plan, reports, follow page and history.
    case read
    /// Record progress updates and completions of its actions.
    case recordProgress = "record-progress"
    /// Record readings of its outcome measures.
    case recordReading = "record-reading"
    /// Upload its quarterly return.
    case uploadReturn = "upload-return"
    /// Ask for a later deadline (recorded as requested, not yet in force).
    case requestExtension = "request-extension"
    /// Agree or refuse a requested extension.
    case decideExtension = "decide-extension"
    /// Accept or query an officer's completion.
    case signOffCompletion = "sign-off-completion"
    /// Record a linking review.
    case recordReview = "record-review"
    /// Agree a plan, set escalation or confidence.
    case agreePlan = "agree-plan"
    /// Users, partnerships and inspections.
    case administer
}

/// The answer to "may this account do that to this partnership?".
public enum Access: Equatable, Sendable {
    case allowed
    /// The account sees the partnership but may not do this: HTTP 403.
    case forbidden
    /// The partnership is not the account's: it is answered as if it did not exist (HTTP 404), so nothing leaks.
    case hidden
}

extension UserAccount {
    /// The permission table, once. `partnership` is nil for what concerns no
    /// one partnership (administration, the national overview).
    public func access(_ operation: PlanOperation, partnership: String?) -> Access {
        if disabled { return .hidden }
        switch role {
        case .admin:
            // Admins keep the tool, they do not report or judge: progress and decisions stay with the two sides.
            switch operation {
            case .read, .administer: return .allowed
            default: return .forbidden
            }
        case .officer, .inspector:
            if operation == .administer { return .forbidden }
            guard let partnership else { return operation == .read ? .allowed : .forbidden }
            guard partnerships.contains(partnership) else { return .hidden }
            return Self.allowed(role, operation) ? .allowed : .forbidden
        }
    }

    private static func allowed(_ role: Role, _ operation: PlanOperation) -> Bool {
        switch (role, operation) {
        case (_, .read): return true
        case (.officer, .recordProgress), (.officer, .recordReading), (.officer, .uploadReturn), (.officer, .requestExtension): return true
        case (.inspector, .decideExtension), (.inspector, .signOffCompletion), (.inspector, .recordReview), (.inspector, .agreePlan): return true
        default: return false
        }
    }

    /// The partnerships this account may read, or nil for all of them.
    public var readablePartnerships: Set<String>? {
        if disabled { return [] }
        return role == .admin ? nil : Set(partnerships)
    }
}

/// A token a script presents instead of a password (`Authorization: Bearer …`).
/// Only a hash of its secret is stored; the secret is shown once, when made.
public struct APIToken: Codable, Hashable, Sendable {
    public var id: Int64
    public var user: String
    public var label: String?
    public var createdAt: String
    public var revokedAt: String?

    public init(id: Int64, user: String, label: String?, createdAt: String, revokedAt: String? = nil) {
        self.id = id; self.user = user; self.label = label; self.createdAt = createdAt; self.revokedAt = revokedAt
    }
}
