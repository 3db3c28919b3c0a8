import PlanPostgres
import Schema
import Testing

@Suite struct SQLStatementsTests {
    @Test func splitsAtSemicolonsOutsideQuotesBodiesAndComments() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text CHECK (x <> ';'));
            /* block; comment */ CREATE TABLE "b;c" (y int);
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN RAISE EXCEPTION 'no; never'; END;
            $body$;
            SELECT 'it''s; fine', $1;
            -- only a comment at the end;
            """
        let statements = sqlStatements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix("CREATE TABLE a (x text CHECK (x <> ';'))"))
        #expect(statements[1].hasSuffix("CREATE TABLE \"b;c\" (y int)"))
        #expect(statements[2].hasPrefix("CREATE FUNCTION f()") && statements[2].hasSuffix("$body$"))
        #expect(statements[3] == "SELECT 'it''s; fine', $1")
    }

    @Test func emptyAndCommentOnlyScriptsHaveNoStatements() {
        #expect(sqlStatements("").isEmpty)
        #expect(sqlStatements("  ;\n -- nothing;\n /* none */ ;").isEmpty)
    }

    @Test func theMigrationSplitsIntoItsStatements() {
        let statements = Migrations.postgres.flatMap { sqlStatements($0.sql) }
        #expect(statements.filter { $0.contains("CREATE TABLE") }.count == 25)
        #expect(statements.allSatisfy { !$0.hasSuffix(";") })
    }
}
