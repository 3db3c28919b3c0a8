import PlanPostgres
import Testing

/// The store's SQL made PostgreSQL's: each rewrite, and what must be left alone.
@Suite("PostgreSQL dialect")
struct PostgresDialectTests {
    @Test("parameters are numbered as SQLite numbers them; literals and quoted names are left alone",
          arguments: [
              ("SELECT id FROM partnership WHERE key = ?", "SELECT id FROM partnership WHERE key = $1"),
              ("SELECT ?, ?, ?", "SELECT $1, $2, $3"),
              ("WHERE a > ?1 AND b <= ?1 AND c = ?", "WHERE a > $1 AND b <= $1 AND c = $2"),
              ("SELECT '?', \"a?b\" FROM t WHERE x = ?", "SELECT '?', \"a?b\" FROM t WHERE x = $1"),
              ("SELECT 'it''s ?' || ?", "SELECT 'it''s ?' || $1"),
              ("WHERE (? IS NULL OR p.key = ?)", "WHERE ($1::text IS NULL OR p.key = $2)"),
              ("WHERE (?1 IS NULL OR x.state = ?1) AND (?2 IS NULL OR x.action_id = ?2)",
               "WHERE ($3::text IS NULL OR x.state = $1) AND ($4::text IS NULL OR x.action_id = $2)"),
          ])
    func parameters(sql: String, expected: String) {
        #expect(PostgresDialect.translate(sql) == expected)
    }

    @Test("a NULL test's copy of a parameter takes that parameter's value")
    func nullTestCopies() {
        let (sql, parameters) = PostgresDialect.statement("WHERE (?1 IS NULL OR x.state = ?1) AND (?2 IS NULL OR x.action_id = ?2) AND y = ?")
        #expect(sql == "WHERE ($4::text IS NULL OR x.state = $1) AND ($5::text IS NULL OR x.action_id = $2) AND y = $3")
        #expect(parameters == [1, 2, 3, 1, 2])
        #expect(PostgresDialect.statement("SELECT ?, ?").parameters == [1, 2])
    }

    @Test("functions SQLite spells differently", arguments: [
        ("SELECT json_group_array(f.number) FROM f", "SELECT coalesce(json_agg(f.number), '[]') FROM f"),
        ("SELECT json_group_array(i.key || '/' || a.ref) FROM x",
         "SELECT coalesce(json_agg(i.key || '/' || a.ref), '[]') FROM x"),
        ("SELECT group_concat(p.key, ',') FROM p", "SELECT string_agg((p.key)::text, ',') FROM p"),
        ("SELECT group_concat(p.id) FROM p", "SELECT string_agg((p.id)::text, ',') FROM p"),
        ("SELECT max(a.created_on, coalesce(a.x, a.created_on))", "SELECT greatest(a.created_on, coalesce(a.x, a.created_on))"),
        ("SELECT min(a, b), max(id), min(on_date) FROM t", "SELECT least(a, b), max(id), min(on_date) FROM t"),
        ("SELECT substr(k, 1, instr(k, '#') - 1)", "SELECT substr(k, 1, strpos(k, '#') - 1)"),
        ("WHERE command NOT LIKE ?", "WHERE command NOT ILIKE $1"),
        ("SELECT 'max(a, b)', 'json_group_array(x)'", "SELECT 'max(a, b)', 'json_group_array(x)'"),
    ])
    func functions(sql: String, expected: String) {
        #expect(PostgresDialect.translate(sql) == expected)
    }

    @Test("a case-blind comparison lowers both sides; a case-blind order lowers its term", arguments: [
        ("WHERE a.owner = ? COLLATE NOCASE", "WHERE lower(a.owner) = lower($1)"),
        ("AND a.lead_agency = ? COLLATE NOCASE AND a.status = ?", "AND lower(a.lead_agency) = lower($1) AND a.status = $2"),
        ("AND a.owner COLLATE NOCASE IN (?, ?)", "AND lower(a.owner) IN (lower($1), lower($2))"),
        ("ORDER BY a.owner COLLATE NOCASE, a.lead_agency COLLATE NOCASE, a.id", "ORDER BY lower(a.owner), lower(a.lead_agency), a.id"),
    ])
    func collations(sql: String, expected: String) {
        #expect(PostgresDialect.translate(sql) == expected)
    }
}
