import Foundation

/// The store's SQL, written once in the subset SQLite and PostgreSQL share,
/// made PostgreSQL's: the few spellings that differ, rewritten by a scanner
/// that knows literals, quoted names and parentheses (never by text search
/// inside a string).
///
/// - `?` and `?NNN` parameters become `$n` (a bare `?` takes the number after
///   the highest so far, as in SQLite); `$n IS NULL` becomes `$n::text IS NULL`
///   (PostgreSQL cannot infer a type from a bare NULL test).
/// - `json_group_array(x)` becomes `coalesce(json_agg(x), '[]')` (an empty
///   group is `[]` in SQLite, NULL in PostgreSQL); `group_concat(x[, sep])`
///   becomes `string_agg((x)::text, sep)`.
/// - Scalar `max(a, b, ...)` and `min(a, b, ...)` become `greatest`/`least`;
///   `instr` becomes `strpos`.
/// - `x COLLATE NOCASE` becomes `lower(x)`, and `x = ? COLLATE NOCASE`
///   `lower(x) = lower(?)` (and so for `IN (...)`); `LIKE` becomes `ILIKE`
///   (SQLite's LIKE ignores case).
public enum PostgresDialect {
    /// The statement for PostgreSQL.
    public static func translate(_ sql: String) -> String { statement(sql).sql }

    /// The statement for PostgreSQL, and for each of its parameters (`$1`,
    /// `$2`, ...) the store's parameter whose value it takes (from 1): the
    /// same, but for the copies made for NULL tests.
    public static func statement(_ sql: String) -> (sql: String, parameters: [Int]) {
        var tokens = tokenize(sql)
        let parameters = numberParameters(&tokens)
        rewriteFunctions(&tokens)
        rewriteCollations(&tokens)
        return (tokens.map(\.text).joined(), parameters)
    }

    struct Token: Equatable {
        enum Kind { case word, parameter, literal, quoted, open, close, comma, space, other }
        var kind: Kind
        var text: String
    }

    static func tokenize(_ sql: String) -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(sql.unicodeScalars)
        var index = 0
        func isWord(_ c: Unicode.Scalar) -> Bool { CharacterSet.alphanumerics.contains(c) || c == "_" || c == "." }
        while index < scalars.count {
            let c = scalars[index]
            let start = index
            var kind: Token.Kind
            switch c {
            case "'", "\"":
                index += 1
                while index < scalars.count {
                    if scalars[index] == c {
                        if index + 1 < scalars.count, scalars[index + 1] == c { index += 2; continue }
                        break
                    }
                    index += 1
                }
                index = min(index + 1, scalars.count)
                kind = c == "'" ? .literal : .quoted
            case "?":
                index += 1
                while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
                kind = .parameter
            case "(": index += 1; kind = .open
            case ")": index += 1; kind = .close
            case ",": index += 1; kind = .comma
            case " ", "\n", "\t", "\r":
                while index < scalars.count, [" ", "\n", "\t", "\r"].contains(scalars[index]) { index += 1 }
                kind = .space
            default:
                if isWord(c) {
                    while index < scalars.count, isWord(scalars[index]) { index += 1 }
                    kind = .word
                } else {
                    index += 1
                    kind = .other
                }
            }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[start..<index])
            tokens.append(Token(kind: kind, text: text))
        }
        return tokens
    }

    static func numberParameters(_ tokens: inout [Token]) -> [Int] {
        var highest = 0
        var tested: [Int: [Int]] = [:], typed: Set<Int> = []
        for index in tokens.indices where tokens[index].kind == .parameter {
            let digits = tokens[index].text.dropFirst()
            let number: Int
            if let given = Int(digits) { number = given } else { number = highest + 1 }
            highest = max(highest, number)
            tokens[index].text = "$\(number)"
            let next = nextSignificant(tokens, after: index)
            if let next, tokens[next].kind == .word, tokens[next].text.uppercased() == "IS" {
                tested[number, default: []].append(index)
            } else {
                typed.insert(number)
            }
        }
        // A parameter tested for NULL has no type PostgreSQL can infer there
        // (it decides at the test, whatever follows): the test gets a text
        // copy of its own, and a use elsewhere keeps the type it implies.
        var sources = Array(0...highest)
        for (number, places) in tested.sorted(by: { $0.key < $1.key }) {
            for index in places {
                if typed.contains(number) {
                    sources.append(number)
                    tokens[index].text = "$\(sources.count - 1)::text"
                } else {
                    tokens[index].text += "::text"
                }
            }
        }
        return Array(sources.dropFirst())
    }

    /// The index of the matching close parenthesis of the open one at `open`.
    static func closing(_ tokens: [Token], _ open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            switch tokens[index].kind {
            case .open: depth += 1
            case .close:
                depth -= 1
                if depth == 0 { return index }
            default: continue
            }
        }
        return nil
    }

    /// The top-level commas between `open` and its closing parenthesis.
    static func topLevelCommas(_ tokens: [Token], _ open: Int, _ close: Int) -> [Int] {
        var depth = 0, commas: [Int] = []
        for index in (open + 1)..<close {
            switch tokens[index].kind {
            case .open: depth += 1
            case .close: depth -= 1
            case .comma where depth == 0: commas.append(index)
            default: continue
            }
        }
        return commas
    }

    static func nextSignificant(_ tokens: [Token], after index: Int) -> Int? {
        var next = index + 1
        while next < tokens.count, tokens[next].kind == .space { next += 1 }
        return next < tokens.count ? next : nil
    }

    static func previousSignificant(_ tokens: [Token], before index: Int) -> Int? {
        var previous = index - 1
        while previous >= 0, tokens[previous].kind == .space { previous -= 1 }
        return previous >= 0 ? previous : nil
    }

    static func rewriteFunctions(_ tokens: inout [Token]) {
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard tokens[index].kind == .word, let open = nextSignificant(tokens, after: index), tokens[open].kind == .open,
                  let close = closing(tokens, open)
            else {
                if tokens[index].kind == .word, tokens[index].text.uppercased() == "LIKE" { tokens[index].text = "ILIKE" }
                continue
            }
            let commas = topLevelCommas(tokens, open, close)
            switch tokens[index].text.lowercased() {
            case "json_group_array":
                tokens[index].text = "coalesce(json_agg"
                tokens[close].text = "), '[]')"
            case "group_concat":
                tokens[index].text = "string_agg"
                tokens[open].text = "(("
                if let comma = commas.first {
                    tokens[comma].text = ")::text,"
                } else {
                    tokens[close].text = ")::text, ',')"
                }
            case "max" where !commas.isEmpty: tokens[index].text = "greatest"
            case "min" where !commas.isEmpty: tokens[index].text = "least"
            case "instr": tokens[index].text = "strpos"
            default: break
            }
        }
    }

    /// `x COLLATE NOCASE` → `lower(x)`; for a comparison (`=`, `IN`) whose
    /// right side carries the collation, both sides are lowered.
    static func rewriteCollations(_ tokens: inout [Token]) {
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard tokens[index].kind == .word, tokens[index].text.uppercased() == "COLLATE",
                  let name = nextSignificant(tokens, after: index), tokens[name].text.uppercased() == "NOCASE",
                  let end = previousSignificant(tokens, before: index)
            else { continue }
            // The operand the collation follows: a word or parameter, or a parenthesised group.
            var start = end
            if tokens[end].kind == .close {
                var depth = 0
                for at in stride(from: end, through: 0, by: -1) {
                    if tokens[at].kind == .close { depth += 1 }
                    if tokens[at].kind == .open { depth -= 1; if depth == 0 { start = at; break } }
                }
            }
            let lowered = "lower(" + tokens[start...end].map(\.text).joined() + ")"
            for at in start...name { tokens[at].text = "" }
            tokens[start].text = lowered
            // `a = ? COLLATE NOCASE` / `a IN (...) COLLATE NOCASE`: lower the left side too.
            if let op = previousSignificant(tokens, before: start),
               tokens[op].text == "=" || tokens[op].text.uppercased() == "IN",
               let left = previousSignificant(tokens, before: op), tokens[left].kind == .word {
                tokens[left].text = "lower(" + tokens[left].text + ")"
            }
            // `a COLLATE NOCASE IN (...)`: lower the list's members.
            if let op = nextSignificant(tokens, after: name), tokens[op].text.uppercased() == "IN",
               let open = nextSignificant(tokens, after: op), tokens[open].kind == .open, let close = closing(tokens, open) {
                for at in (open + 1)..<close where tokens[at].kind == .parameter || tokens[at].kind == .literal {
                    tokens[at].text = "lower(" + tokens[at].text + ")"
                }
            }
        }
    }
}
