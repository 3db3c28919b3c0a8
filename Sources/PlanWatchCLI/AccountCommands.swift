import ArgumentParser
import Foundation
import ImprovementPlan
import PlanFormats
import PlanStore

/// `planwatch user add|list|show|disable|enable|password`: the accounts of `planwatch serve`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Accounts for the shared plan (planwatch serve): who may log in, their role and their partnerships.",
        discussion: """
            Roles: officer (reports on the plans of their partnerships), inspector (follows the partnerships assigned \
            to them: reviews, extensions, plans, escalation), admin (accounts, partnerships, inspections).
            Passwords are read from standard input, never from the command line; only a bcrypt hash is kept.
            Example:
              planwatch user add a.smith --email a.smith@dundeecity.gov.uk --role officer --partnership dundee --password-stdin < password.txt
              planwatch user list
            """,
        subcommands: [Add.self, List.self, Show.self, Disable.self, Enable.self, Password.self])

    struct Add: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an account.",
            discussion: """
                Without --password-stdin the account has no password yet: it cannot log in until
                'planwatch user password NAME' sets one (its scripts can use tokens meanwhile).
                Example:
                  planwatch user add j.brown --email j.brown@careinspectorate.gov.scot --role inspector --partnership dundee,angus --password-stdin
                """)
        static let auditName = "user add"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Login name: lower-case letters, digits, '.', '-' and '_' (e.g. a.smith).") var name: String
        @Option(parsing: .unconditional, help: "Email address.") var email: String
        @Option(parsing: .unconditional, help: "admin, inspector or officer.") var role: Word<Role>
        @Option(name: .customLong("partnership"), parsing: .unconditionalSingleValue,
                help: "A partnership the role covers (repeat or separate with commas); officers and inspectors need one at least.")
        var partnerships: [String] = []
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input (the first line).") var passwordStdin = false

        /// Typed options are read before the database is opened: a bad one is refused in one line, nothing opened.
        func validate() throws {
            _ = try role.value()
        }

        func run(context: Context) throws {
            let account = UserAccount(name: name, email: email, role: try role.value(),
                                      partnerships: Array(Set(splitList(partnerships))).sorted())
            try account.validate()
            let password = passwordStdin ? try PasswordInput.read(for: name) : nil
            let stored = try context.store.addUser(account, password: password)
            let scope = stored.partnerships.isEmpty ? "every partnership" : stored.partnerships.joined(separator: ", ")
            context.done("Added \(stored.role.rawValue) \(stored.name) (\(scope))" + (password == nil ? "; no password yet: set one with 'planwatch user password \(stored.name)'" : ""))
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the accounts.", discussion: "Example:\n  planwatch user list --format csv")
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "table, json, csv or markdown.") var format: OutputFormat = .table

        func run(context: Context) throws {
            let users = try context.store.users()
            try context.emit(users, format: format, table: { UserCommand.table(users) })
        }
    }

    static func table(_ users: [UserAccount]) -> Table {
        var table = Table(columns: [.init("name"), .init("email"), .init("role"), .init("partnerships", wrap: true), .init("password"), .init("state")])
        for user in users {
            table.append([user.name, user.email, user.role.rawValue, user.partnerships.isEmpty ? "all" : user.partnerships.joined(separator: ", "),
                          user.passwordSetAt.map { "set " + String($0.prefix(10)) } ?? "none", user.disabled ? "disabled" : "active"])
        }
        return table
    }

    struct Show: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one account and its tokens.", discussion: "Example:\n  planwatch user show a.smith")
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "table or json.") var format: OutputFormat = .table
        @Argument(help: "The login name.") var name: String

        struct Detail: Encodable {
            let user: UserAccount
            let tokens: [APIToken]
        }

        func run(context: Context) throws {
            let user = try context.store.user(named: name)
            let tokens = try context.store.tokens(user: name)
            if format == .json { return context.print(try JSONOutput.encode(Detail(user: user, tokens: tokens))) }
            context.emit(UserCommand.table([user]), format: format)
            context.print("\n" + context.style.bold("Tokens") + "\n")
            context.emit(TokenCommand.table(tokens), format: format)
        }
    }

    struct Disable: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable", abstract: "Disable an account: it can no longer log in or use its tokens; its history stays.",
            discussion: "Example:\n  planwatch user disable a.smith")
        static let auditName = "user disable"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The login name.") var name: String

        func run(context: Context) throws {
            try context.store.setDisabled(user: name, true)
            context.done("Disabled \(name)")
        }
    }

    struct Enable: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable", abstract: "Enable a disabled account again.", discussion: "Example:\n  planwatch user enable a.smith")
        static let auditName = "user enable"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The login name.") var name: String

        func run(context: Context) throws {
            try context.store.setDisabled(user: name, false)
            context.done("Enabled \(name)")
        }
    }

    struct Password: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "password",
            abstract: "Set an account's password: typed twice at a terminal, else the first line of standard input.",
            discussion: "Example:\n  planwatch user password a.smith\n  planwatch user password a.smith < password.txt")
        static let auditName = "user password"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The login name.") var name: String

        func run(context: Context) throws {
            _ = try context.store.user(named: name)
            let password = try PasswordInput.read(for: name)
            try context.store.setPassword(user: name, password: password)
            context.done("Set the password of \(name)")
        }
    }
}

/// `planwatch token create|list|revoke`: bearer tokens for scripts using the JSON API.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Tokens for scripts that use the JSON API of planwatch serve, each acting as one account.",
        discussion: """
            The token is printed once, when made; only its SHA-256 is kept. A script sends it as
            'Authorization: Bearer pwt_…'. A revoked token, or one of a disabled account, is refused with 401.
            Example:
              planwatch token create --user a.smith --label "quarterly return upload"
              planwatch token revoke 3
            """,
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Make a token for an account and print it (once).",
            discussion: "Example:\n  planwatch token create --user a.smith --label nightly-sync")
        static let auditName = "token create"
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "The account the token acts for.") var user: String
        @Option(parsing: .unconditional, help: "What the token is for.") var label: String?

        func run(context: Context) throws {
            let (token, secret) = try context.store.createToken(user: user, label: label)
            context.print(secret + "\n")
            FileHandle.standardError.write(Data("Made token \(token.id) for \(token.user): it is shown this once; revoke it with 'planwatch token revoke \(token.id)'\n".utf8))
        }
    }

    struct List: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List tokens (never their secrets).", discussion: "Example:\n  planwatch token list --user a.smith")
        @OptionGroup var global: GlobalOptions
        @Option(parsing: .unconditional, help: "Only this account's tokens.") var user: String?
        @Option(parsing: .unconditional, help: "table, json, csv or markdown.") var format: OutputFormat = .table

        func run(context: Context) throws {
            let tokens = try context.store.tokens(user: user)
            try context.emit(tokens, format: format, table: { TokenCommand.table(tokens) })
        }
    }

    static func table(_ tokens: [APIToken]) -> Table {
        var table = Table(columns: [.init("id", alignRight: true), .init("user"), .init("label", wrap: true), .init("created"), .init("state")])
        for token in tokens {
            table.append([String(token.id), token.user, token.label ?? "", String(token.createdAt.prefix(10)),
                          token.revokedAt.map { "revoked " + String($0.prefix(10)) } ?? "active"])
        }
        return table
    }

    struct Revoke: StoreCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a token: from now on it is refused.", discussion: "Example:\n  planwatch token revoke 3")
        static let auditName = "token revoke"
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The token's number, as 'token list' shows it.") var id: String

        func number() throws -> Int64 {
            guard let number = Int64(id), number > 0 else {
                throw PlanError.invalidValue(field: "token", value: id, expected: "a token number, as 'planwatch token list' shows it")
            }
            return number
        }

        func validate() throws { _ = try number() }

        func run(context: Context) throws {
            let token = try context.store.revokeToken(id: try number())
            context.done("Revoked token \(token.id) of \(token.user)")
        }
    }
}

/// A password from the terminal (typed twice, not echoed) or from standard input's first line.
enum PasswordInput {
    static func read(for name: String) throws -> String {
        if isatty(STDIN_FILENO) == 1 {
            let first = try prompt("Password for \(name): ")
            try UserAccount.validatePassword(first)
            guard try prompt("Again: ") == first else { throw PlanError.refused("password: the two entries differ; nothing was changed") }
            return first
        }
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw PlanError.missing(field: "password (the first line of standard input)")
        }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    /// Reads one line with the terminal's echo off.
    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { throw PlanError.missing(field: "password") }
        return line
    }
}
