/**
 * Statement rules: the dispatch on the first keyword, `;`-separated scripts (with the SQL
 * client's `BEGIN STATEMENT SET; ... END;`), INSERT, statement sets, EXECUTE, EXPLAIN, SHOW,
 * DESCRIBE, USE, SET / RESET, modules, JARs, CALL, STOP JOB and the batch DML statements.
 */
import type {
  InsertStatement,
  ShowLike,
  ShowObject,
  ShowStatement,
  Statement,
  StatementSetStatement,
} from "./ast-statement.ts";
import type { SourcePos } from "./errors.ts";
import { AlterParser } from "./parse-alter.ts";

/** First words of statements, for "did you mean" hints. */
const STATEMENT_WORDS = `SELECT WITH VALUES INSERT CREATE REPLACE ALTER DROP SHOW DESCRIBE DESC USE
  SET RESET EXPLAIN EXECUTE BEGIN LOAD UNLOAD ADD REMOVE CALL STOP TRUNCATE DELETE UPDATE
  ANALYZE`.split(/\s+/);
const STATEMENT_START =
  "a statement (SELECT, INSERT, CREATE, ALTER, DROP, SHOW, SET, EXPLAIN, ...)";
const EXPLAIN_DETAILS = [
  "ESTIMATED_COST",
  "CHANGELOG_MODE",
  "PLAN_ADVICE",
  "JSON_EXECUTION_PLAN",
] as const;

/** Levenshtein distance, for spelling hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let x = 1; x <= a.length; x++) {
    let prev = row[0]!;
    row[0] = x;
    for (let y = 1; y <= b.length; y++) {
      const cur = row[y]!;
      row[y] = Math.min(row[y]! + 1, row[y - 1]! + 1, prev + (a[x - 1] === b[y - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The complete statement grammar. */
export class StatementParser extends AlterParser {
  /** A script: statements separated by `;` (empty statements are skipped). */
  parseScript(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.acceptSymbol(";"));
      if (this.atEnd()) return statements;
      if (this.isWords("BEGIN", "STATEMENT", "SET")) {
        const pos = this.here;
        this.i += 3;
        statements.push(this.parseStatementSetBody(pos));
      } else {
        statements.push(this.parseStatement());
      }
      if (!this.atEnd() && !this.isSymbol(";")) this.fail("';' or end of input");
    }
  }

  /** One statement (no trailing `;` consumed). */
  parseStatement(): Statement {
    const t = this.tok;
    const pos = t.pos;
    if (this.looksLikeQuery() || (this.isWord("TABLE") && this.isIdentifier(1))) {
      return { kind: "query", pos, query: this.parseQuery() };
    }
    if (t.type !== "word") this.fail(STATEMENT_START);
    switch (t.upper) {
      case "INSERT":
        return this.parseInsert();
      case "CREATE":
        return this.parseCreate();
      case "REPLACE":
        this.i++;
        this.expectWord("TABLE");
        return this.parseCreateTable(pos, "replace", false);
      case "ALTER":
        return this.parseAlter();
      case "DROP":
        return this.parseDrop();
      case "SHOW":
        return this.parseShow();
      case "DESCRIBE":
      case "DESC": {
        this.i++;
        const extended = this.acceptWord("EXTENDED");
        return {
          kind: "describe",
          pos,
          name: this.parseCompoundName("a table or view name"),
          extended,
        };
      }
      case "USE":
        this.i++;
        if (this.acceptWord("CATALOG")) {
          return { kind: "useCatalog", pos, name: this.parseIdentifier("a catalog name") };
        }
        if (this.acceptWord("MODULES")) {
          const names = [this.parseIdentifier("a module name")];
          while (this.acceptSymbol(",")) names.push(this.parseIdentifier("a module name"));
          return { kind: "useModules", pos, names };
        }
        return {
          kind: "useDatabase",
          pos,
          name: this.parseCompoundName("CATALOG, MODULES or a database name"),
        };
      case "SET": {
        this.i++;
        if (this.atEnd() || this.isSymbol(";")) return { kind: "set", pos };
        const key = this.parseString("an option key in quotes, like 'parallelism.default'");
        this.expectSymbol("=");
        return { kind: "set", pos, key, value: this.parseString("a value in quotes") };
      }
      case "RESET": {
        this.i++;
        if (this.atEnd() || this.isSymbol(";")) return { kind: "reset", pos };
        return { kind: "reset", pos, key: this.parseString("an option key in quotes") };
      }
      case "EXPLAIN":
        return this.parseExplain();
      case "EXECUTE":
        return this.parseExecute();
      case "LOAD":
      case "UNLOAD": {
        this.i++;
        this.expectWord("MODULE");
        const name = this.parseIdentifier("a module name");
        if (t.upper === "UNLOAD") return { kind: "unloadModule", pos, name };
        return {
          kind: "loadModule",
          pos,
          name,
          options: this.acceptWord("WITH") ? this.parseProperties() : [],
        };
      }
      case "ADD":
      case "REMOVE":
        this.i++;
        this.expectWord("JAR");
        return {
          kind: t.upper === "ADD" ? "addJar" : "removeJar",
          pos,
          path: this.parseString("a JAR path in quotes"),
        };
      case "CALL": {
        this.i++;
        const name = this.parseCompoundName("a procedure name");
        const open = this.expectSymbol("(");
        const args = [];
        if (!this.isSymbol(")")) {
          do args.push(this.parseCallArg());
          while (this.acceptSymbol(","));
        }
        this.expectClose(open);
        return { kind: "callProcedure", pos, name, args };
      }
      case "STOP": {
        this.i++;
        this.expectWord("JOB");
        const jobId = this.parseString("a job id in quotes");
        let withSavepoint = false;
        let withDrain = false;
        while (this.acceptWord("WITH")) {
          if (this.acceptWord("SAVEPOINT")) withSavepoint = true;
          else if (this.acceptWord("DRAIN")) withDrain = true;
          else this.fail("SAVEPOINT or DRAIN");
        }
        return { kind: "stopJob", pos, jobId, withSavepoint, withDrain };
      }
      case "TRUNCATE":
        this.i++;
        this.expectWord("TABLE");
        return { kind: "truncateTable", pos, name: this.parseCompoundName("a table name") };
      case "DELETE": {
        this.i++;
        this.expectWord("FROM");
        const table = this.parseCompoundName("a table name");
        return {
          kind: "delete",
          pos,
          table,
          where: this.acceptWord("WHERE") ? this.parseExpr() : undefined,
        };
      }
      case "UPDATE":
        return this.parseUpdate();
      case "ANALYZE":
        return this.parseAnalyze();
      case "STATEMENT":
        if (this.isWords("STATEMENT", "SET"))
          this.fail("EXECUTE STATEMENT SET or EXPLAIN STATEMENT SET");
    }
    const near = STATEMENT_WORDS.find((w) => distance(w, t.upper) <= (t.upper.length > 4 ? 2 : 1));
    return this.fail(near ? `${STATEMENT_START}; did you mean ${near}?` : STATEMENT_START);
  }

  /** After `BEGIN`: `insert; insert; ... END` (a `;` before END is optional). */
  private parseStatementSetBody(pos: SourcePos): StatementSetStatement {
    const statements: InsertStatement[] = [];
    for (;;) {
      while (this.acceptSymbol(";"));
      if (this.acceptWord("END")) break;
      if (this.atEnd()) this.fail("END to close the statement set");
      if (!this.isWord("INSERT"))
        this.fail("an INSERT statement or END (a statement set holds INSERTs only)");
      statements.push(this.parseInsert());
      if (!this.isSymbol(";") && !this.isWord("END")) this.fail("';' or END");
    }
    return { kind: "statementSet", pos, statements };
  }

  /** `STATEMENT SET BEGIN ... END` (the STATEMENT word is current). */
  private parseStatementSet(): StatementSetStatement {
    const pos = this.here;
    this.expectWords("STATEMENT", "SET", "BEGIN");
    return this.parseStatementSetBody(pos);
  }

  private parseInsert(): InsertStatement {
    const pos = this.next().pos;
    const mode = this.acceptOneOf(["INTO", "OVERWRITE"] as const);
    if (!mode) this.fail("INTO or OVERWRITE");
    const table = this.parseCompoundName("a table name");
    const hints = this.tok.type === "hintStart" ? this.parseHints() : [];
    const partition = this.isWord("PARTITION") ? this.parsePartitionSpec(true) : undefined;
    const columns = this.isSymbol("(") && !this.looksLikeQuery() ? this.parseNameList() : undefined;
    if (!this.looksLikeQuery())
      this.fail(
        columns
          ? "a query (SELECT, VALUES or WITH)"
          : "a column list or a query (SELECT, VALUES or WITH)",
      );
    const query = this.parseQuery();
    return {
      kind: "insert",
      pos,
      overwrite: mode === "OVERWRITE",
      table,
      hints,
      partition,
      columns,
      query,
    };
  }

  private parseExplain(): Statement {
    const pos = this.next().pos;
    const details: string[] = [];
    if (!this.acceptWords("PLAN", "FOR")) {
      for (;;) {
        const detail = this.acceptOneOf(EXPLAIN_DETAILS);
        if (!detail) break;
        details.push(detail);
        if (!this.acceptSymbol(",")) break;
      }
    }
    let statement;
    if (this.isWord("INSERT")) statement = this.parseInsert();
    else if (this.isWords("STATEMENT", "SET")) statement = this.parseStatementSet();
    else if (this.isWord("EXECUTE")) statement = this.parseExecute();
    else if (this.looksLikeQuery())
      statement = { kind: "query" as const, pos: this.here, query: this.parseQuery() };
    else
      this.fail(
        details.length > 0
          ? "a query, INSERT or STATEMENT SET"
          : "PLAN FOR, an explain detail (ESTIMATED_COST, CHANGELOG_MODE, PLAN_ADVICE, JSON_EXECUTION_PLAN), a query, INSERT or STATEMENT SET",
      );
    return { kind: "explain", pos, details, statement };
  }

  private parseExecute(): Statement & { kind: "execute" } {
    const pos = this.next().pos;
    let statement;
    if (this.isWord("INSERT")) statement = this.parseInsert();
    else if (this.isWords("STATEMENT", "SET")) statement = this.parseStatementSet();
    else if (this.looksLikeQuery())
      statement = { kind: "query" as const, pos: this.here, query: this.parseQuery() };
    else this.fail("INSERT, STATEMENT SET or a query");
    return { kind: "execute", pos, statement };
  }

  private parseShow(): ShowStatement {
    const pos = this.next().pos;
    const t = this.tok;
    let object: ShowObject | undefined;
    if (this.acceptWords("CURRENT", "CATALOG")) object = "CURRENT CATALOG";
    else if (this.acceptWords("CURRENT", "DATABASE")) object = "CURRENT DATABASE";
    else if (this.acceptWords("USER", "FUNCTIONS")) object = "USER FUNCTIONS";
    else if (this.acceptWords("FULL", "MODULES")) object = "FULL MODULES";
    else if (this.acceptWord("CREATE")) {
      const what = this.acceptOneOf(["TABLE", "VIEW", "CATALOG"] as const);
      if (!what) this.fail("TABLE, VIEW or CATALOG");
      const name =
        what === "CATALOG" ? [this.parseIdentifier("a catalog name")] : this.parseCompoundName();
      return { kind: "show", pos, object: `CREATE ${what}`, name };
    } else {
      object = this.acceptOneOf([
        "CATALOGS",
        "DATABASES",
        "TABLES",
        "VIEWS",
        "FUNCTIONS",
        "PROCEDURES",
        "COLUMNS",
        "PARTITIONS",
        "MODULES",
        "JARS",
        "JOBS",
      ] as const);
    }
    if (!object) {
      return this.fail(
        "CATALOGS, DATABASES, TABLES, VIEWS, [USER] FUNCTIONS, COLUMNS, PARTITIONS, [FULL] MODULES, JARS, JOBS, PROCEDURES, CURRENT or CREATE",
        t,
      );
    }
    if (object === "COLUMNS") {
      if (!this.acceptOneOf(["FROM", "IN"] as const)) this.fail("FROM or IN");
      const name = this.parseCompoundName("a table name");
      return { kind: "show", pos, object, name, like: this.parseShowLike() };
    }
    if (object === "PARTITIONS") {
      const name = this.parseCompoundName("a table name");
      const partition = this.isWord("PARTITION") ? this.parsePartitionSpec(true) : undefined;
      return { kind: "show", pos, object, name, partition };
    }
    if (
      ["DATABASES", "TABLES", "VIEWS", "FUNCTIONS", "USER FUNCTIONS", "PROCEDURES"].includes(object)
    ) {
      const from = this.acceptOneOf(["FROM", "IN"] as const) ? this.parseCompoundName() : undefined;
      return { kind: "show", pos, object, from, like: this.parseShowLike() };
    }
    if (object === "CATALOGS") return { kind: "show", pos, object, like: this.parseShowLike() };
    return { kind: "show", pos, object };
  }

  private parseShowLike(): ShowLike | undefined {
    const not = this.isWord("NOT") && (this.isWord("LIKE", 1) || this.isWord("ILIKE", 1));
    if (not) this.i++;
    const op = this.acceptOneOf(["LIKE", "ILIKE"] as const);
    if (!op) return undefined;
    return {
      not,
      caseInsensitive: op === "ILIKE",
      pattern: this.parseString("a pattern in quotes"),
    };
  }

  private parseUpdate(): Statement {
    const pos = this.next().pos;
    const table = this.parseCompoundName("a table name");
    this.expectWord("SET");
    const assignments = [];
    do {
      const pos = this.here;
      const column = this.parseIdentifier("a column name");
      this.expectSymbol("=");
      assignments.push({ pos, column, value: this.parseExpr() });
    } while (this.acceptSymbol(","));
    const where = this.acceptWord("WHERE") ? this.parseExpr() : undefined;
    return { kind: "update", pos, table, assignments, where };
  }

  private parseAnalyze(): Statement {
    const pos = this.next().pos;
    this.expectWord("TABLE");
    const name = this.parseCompoundName("a table name");
    const partition = this.isWord("PARTITION") ? this.parsePartitionSpec(false) : undefined;
    this.expectWords("COMPUTE", "STATISTICS");
    let columns: string[] | "ALL" | undefined;
    if (this.acceptWord("FOR")) {
      if (this.acceptWords("ALL", "COLUMNS")) columns = "ALL";
      else {
        this.expectWord("COLUMNS");
        columns = [this.parseIdentifier("a column name")];
        while (this.acceptSymbol(",")) columns.push(this.parseIdentifier("a column name"));
      }
    }
    return { kind: "analyzeTable", pos, name, partition, columns };
  }
}
