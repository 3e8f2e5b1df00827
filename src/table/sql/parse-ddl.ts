/**
 * CREATE statements (TABLE, TABLE AS, VIEW, FUNCTION, CATALOG, DATABASE) and the schema pieces
 * ALTER TABLE shares: column definitions (physical, computed, metadata), WATERMARK, PRIMARY KEY,
 * DISTRIBUTED BY, WITH options, and LIKE with its merge options.
 */
import type {
  ColumnDef,
  CreateTableStatement,
  DistributionDef,
  FunctionLanguage,
  LikeClause,
  LikeOption,
  PrimaryKeyDef,
  Property,
  SchemaItem,
  WatermarkDef,
} from "./ast-ddl.ts";
import type { Statement } from "./ast-statement.ts";
import type { SourcePos } from "./errors.ts";
import { QueryParser } from "./parse-query.ts";

const LANGUAGES: readonly FunctionLanguage[] = [
  "JAVA",
  "SCALA",
  "PYTHON",
  "JAVASCRIPT",
  "TYPESCRIPT",
];
const LIKE_FEATURES = [
  "ALL",
  "CONSTRAINTS",
  "DISTRIBUTION",
  "PARTITIONS",
  "GENERATED",
  "METADATA",
  "OPTIONS",
  "WATERMARKS",
] as const;
/** LIKE features that cannot be OVERWRITTEN (they have no entries to merge). */
const NOT_OVERWRITABLE = new Set(["ALL", "CONSTRAINTS", "DISTRIBUTION", "PARTITIONS"]);

/** CREATE statement and schema rules. */
export abstract class DdlParser extends QueryParser {
  /** `CREATE ...` (the CREATE word is current). */
  protected parseCreate(): Statement {
    const pos = this.next().pos;
    const orReplace = this.acceptWords("OR", "REPLACE");
    const temporaryAt = this.here;
    const temporary = this.acceptWord("TEMPORARY");
    const system = temporary && this.acceptWord("SYSTEM");
    const what = this.tok;
    const object = this.acceptOneOf(["TABLE", "VIEW", "FUNCTION", "CATALOG", "DATABASE"] as const);
    if (!object) this.fail("TABLE, VIEW, FUNCTION, CATALOG or DATABASE");
    if (system && object !== "FUNCTION") {
      throw this.errorAt(
        temporaryAt,
        `TEMPORARY SYSTEM applies to functions only, not to a ${object}`,
      );
    }
    if (temporary && (object === "CATALOG" || object === "DATABASE")) {
      throw this.errorAt(temporaryAt, `a ${object} cannot be TEMPORARY`);
    }
    if (orReplace && object !== "TABLE" && object !== "VIEW") {
      throw this.errorAt(what.pos, `CREATE OR REPLACE is not supported for a ${object}`);
    }
    switch (object) {
      case "TABLE":
        return this.parseCreateTable(pos, orReplace ? "createOrReplace" : "create", temporary);
      case "VIEW": {
        const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
        const name = this.parseCompoundName("a view name");
        const columns = this.isSymbol("(") ? this.parseNameList() : undefined;
        const comment = this.acceptWord("COMMENT") ? this.parseString() : undefined;
        this.expectWord("AS");
        const query = this.parseQuery();
        return {
          kind: "createView",
          pos,
          name,
          temporary,
          orReplace,
          ifNotExists,
          columns,
          comment,
          query,
        };
      }
      case "FUNCTION": {
        const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
        const name = this.parseCompoundName("a function name");
        this.expectWord("AS");
        const identifier = this.parseString("the function's class or module name in quotes");
        const language = this.parseLanguage();
        const resources = [];
        if (this.acceptWord("USING")) {
          do {
            const type = this.acceptOneOf(["JAR", "FILE", "ARCHIVE"] as const);
            if (!type) this.fail("JAR, FILE or ARCHIVE");
            resources.push({ type, uri: this.parseString("a resource path in quotes") });
          } while (this.acceptSymbol(","));
        }
        return {
          kind: "createFunction",
          pos,
          name,
          temporary,
          system,
          ifNotExists,
          identifier,
          language,
          resources,
        };
      }
      case "CATALOG": {
        const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
        const name = this.parseIdentifier("a catalog name");
        const comment = this.acceptWord("COMMENT") ? this.parseString() : undefined;
        this.expectWord("WITH");
        return {
          kind: "createCatalog",
          pos,
          name,
          ifNotExists,
          comment,
          options: this.parseProperties(),
        };
      }
      case "DATABASE": {
        const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
        const name = this.parseCompoundName("a database name");
        const comment = this.acceptWord("COMMENT") ? this.parseString() : undefined;
        const options = this.acceptWord("WITH") ? this.parseProperties() : [];
        return { kind: "createDatabase", pos, name, ifNotExists, comment, options };
      }
    }
  }

  /** `[LANGUAGE JAVA | SCALA | PYTHON | JAVASCRIPT | TYPESCRIPT]`. */
  protected parseLanguage(): FunctionLanguage | undefined {
    if (!this.acceptWord("LANGUAGE")) return undefined;
    const language = this.acceptOneOf(LANGUAGES);
    if (!language) this.fail(LANGUAGES.join(", "));
    return language;
  }

  /** The rest of CREATE TABLE / REPLACE TABLE, after the TABLE word. */
  protected parseCreateTable(
    pos: SourcePos,
    mode: CreateTableStatement["mode"],
    temporary: boolean,
  ): CreateTableStatement {
    const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
    const name = this.parseCompoundName("a table name");
    const columns: ColumnDef[] = [];
    const watermarks: WatermarkDef[] = [];
    let primaryKey: PrimaryKeyDef | undefined;
    if (this.isSymbol("(")) {
      const open = this.next();
      do {
        for (const item of this.parseSchemaItem(false)) {
          if (item.kind === "watermark") watermarks.push(item);
          else if (item.kind !== "primaryKey") columns.push(item);
          else if (primaryKey)
            throw this.errorAt(item.pos, "a table can have only one PRIMARY KEY");
          else primaryKey = item;
        }
      } while (this.acceptSymbol(","));
      this.expectClose(open);
    }
    const comment = this.acceptWord("COMMENT") ? this.parseString() : undefined;
    const distribution = this.isWord("DISTRIBUTED") ? this.parseDistribution() : undefined;
    let partitionedBy: string[] = [];
    if (this.acceptWord("PARTITIONED")) {
      this.expectWord("BY");
      partitionedBy = this.parseNameList();
    }
    const options = this.acceptWord("WITH") ? this.parseProperties() : [];
    const like = this.isWord("LIKE") ? this.parseLike() : undefined;
    const asAt = this.here;
    const asQuery = !like && this.acceptWord("AS") ? this.parseQuery() : undefined;
    if (mode !== "create" && !asQuery) {
      throw this.errorAt(
        asAt,
        `${mode === "replace" ? "REPLACE" : "CREATE OR REPLACE"} TABLE needs AS followed by a query`,
      );
    }
    return {
      kind: "createTable",
      pos,
      mode,
      name,
      temporary,
      ifNotExists,
      columns,
      watermarks,
      primaryKey,
      comment,
      distribution,
      partitionedBy,
      options,
      like,
      asQuery,
    };
  }

  /**
   * One element of a table schema: a column, `WATERMARK FOR ...` or a primary key; a column with
   * a column-level `PRIMARY KEY` gives the column and the key. With `positioned` (ALTER TABLE), a
   * column may end with `FIRST` or `AFTER col`.
   */
  protected parseSchemaItem(positioned: boolean): SchemaItem[] {
    const pos = this.here;
    if (this.isWords("WATERMARK", "FOR")) {
      this.i += 2;
      const column = this.parseIdentifier("the rowtime column");
      this.expectWord("AS");
      return [{ kind: "watermark", pos, column, strategy: this.parseExpr() }];
    }
    if (this.isWord("CONSTRAINT") || this.isWords("PRIMARY", "KEY"))
      return [this.parsePrimaryKey(false)];
    let key: PrimaryKeyDef | undefined;
    const name = this.parseIdentifier("a column name, WATERMARK FOR or PRIMARY KEY");
    let column: ColumnDef;
    if (this.acceptWord("AS")) {
      const expr = this.parseExpr();
      column = { kind: "computed", pos, name, expr, comment: this.parseComment() };
    } else {
      const type = this.parseDataType();
      if (this.acceptWord("METADATA")) {
        const key = this.acceptWord("FROM")
          ? this.parseString("a metadata key in quotes")
          : undefined;
        const virtual = this.acceptWord("VIRTUAL");
        column = { kind: "metadata", pos, name, type, key, virtual, comment: this.parseComment() };
      } else {
        if (this.isWord("CONSTRAINT") || this.isWords("PRIMARY", "KEY")) {
          key = { ...this.parsePrimaryKey(true), columns: [name] };
        }
        column = { kind: "physical", pos, name, type, comment: this.parseComment() };
      }
    }
    if (positioned && this.acceptWord("FIRST")) {
      column = { ...column, position: { kind: "first" } };
    } else if (positioned && this.acceptWord("AFTER")) {
      column = {
        ...column,
        position: { kind: "after", column: this.parseIdentifier("a column name") },
      };
    }
    return key ? [column, key] : [column];
  }

  private parseComment(): string | undefined {
    return this.acceptWord("COMMENT") ? this.parseString("a comment in quotes") : undefined;
  }

  /** `[CONSTRAINT name] PRIMARY KEY [(cols)] [NOT] ENFORCED`; column-level keys have no list. */
  private parsePrimaryKey(columnLevel: boolean): PrimaryKeyDef {
    const pos = this.here;
    const name = this.acceptWord("CONSTRAINT")
      ? this.parseIdentifier("a constraint name")
      : undefined;
    this.expectWords("PRIMARY", "KEY");
    const columns = columnLevel ? [] : this.parseNameList();
    let enforced = true;
    if (this.acceptWords("NOT", "ENFORCED")) enforced = false;
    else this.acceptWord("ENFORCED");
    return { kind: "primaryKey", pos, name, columns, enforced };
  }

  /** `DISTRIBUTED BY [HASH | RANGE] (cols) [INTO n BUCKETS]` or `DISTRIBUTED INTO n BUCKETS`. */
  protected parseDistribution(): DistributionDef {
    const pos = this.next().pos;
    let algorithm: "HASH" | "RANGE" | undefined;
    let columns: string[] = [];
    let buckets: string | undefined;
    const by = this.acceptWord("BY");
    if (by) {
      algorithm = this.acceptOneOf(["HASH", "RANGE"] as const);
      columns = this.parseNameList();
    }
    if (this.acceptWord("INTO")) {
      if (this.tok.type !== "integer") this.fail("a bucket count");
      buckets = this.next().text;
      this.expectWord("BUCKETS");
    } else if (!by) {
      this.fail("BY or INTO");
    }
    return { pos, algorithm, columns, buckets };
  }

  /** `('k' = 'v', ...)`. */
  protected parseProperties(): Property[] {
    const open = this.expectSymbol("(");
    const props: Property[] = [];
    if (!this.isSymbol(")")) {
      do {
        const pos = this.here;
        const key = this.parseString("an option key in quotes, like 'connector'");
        this.expectSymbol("=");
        props.push({ pos, key, value: this.parseString("an option value in quotes") });
      } while (this.acceptSymbol(","));
    }
    this.expectClose(open);
    return props;
  }

  /** `('k1', 'k2')` of RESET. */
  protected parsePropertyKeys(): string[] {
    const open = this.expectSymbol("(");
    const keys = [this.parseString("an option key in quotes")];
    while (this.acceptSymbol(",")) keys.push(this.parseString("an option key in quotes"));
    this.expectClose(open);
    return keys;
  }

  private parseLike(): LikeClause {
    const pos = this.next().pos;
    const name = this.parseCompoundName("a table name");
    const options: LikeOption[] = [];
    if (this.isSymbol("(")) {
      const open = this.next();
      while (!this.isSymbol(")")) {
        const strategy = this.acceptOneOf(["INCLUDING", "EXCLUDING", "OVERWRITING"] as const);
        if (!strategy) this.fail("INCLUDING, EXCLUDING, OVERWRITING or ')'");
        const at = this.here;
        const feature = this.acceptOneOf(LIKE_FEATURES);
        if (!feature) this.fail(LIKE_FEATURES.join(", "));
        if (strategy === "OVERWRITING" && NOT_OVERWRITABLE.has(feature)) {
          throw this.errorAt(at, `OVERWRITING cannot be used with ${feature}`);
        }
        options.push({ strategy, feature });
        this.acceptSymbol(",");
      }
      this.expectClose(open);
    }
    return { pos, name, options };
  }
}
