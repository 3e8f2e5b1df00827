/**
 * ALTER (TABLE, VIEW, FUNCTION, DATABASE, CATALOG) and DROP statements, and PARTITION specs.
 */
import type {
  AlterTableAction,
  AlterTableChange,
  PartitionValue,
  Property,
  SchemaItem,
} from "./ast-ddl.ts";
import type { Statement } from "./ast-statement.ts";
import { DdlParser } from "./parse-ddl.ts";

/** ALTER and DROP rules. */
export abstract class AlterParser extends DdlParser {
  /** `ALTER ...` (the ALTER word is current). */
  protected parseAlter(): Statement {
    const pos = this.next().pos;
    const temporary = this.acceptWord("TEMPORARY");
    const system = temporary && this.acceptWord("SYSTEM");
    if (temporary && !this.isWord("FUNCTION")) this.fail("FUNCTION after TEMPORARY");
    const object = this.acceptOneOf(["TABLE", "VIEW", "FUNCTION", "DATABASE", "CATALOG"] as const);
    if (!object) this.fail("TABLE, VIEW, FUNCTION, DATABASE or CATALOG");
    switch (object) {
      case "TABLE": {
        const ifExists = this.acceptWords("IF", "EXISTS");
        const name = this.parseCompoundName("a table name");
        return { kind: "alterTable", pos, name, ifExists, action: this.parseAlterTableAction() };
      }
      case "VIEW": {
        const name = this.parseCompoundName("a view name");
        if (this.acceptWords("RENAME", "TO")) {
          return {
            kind: "alterView",
            pos,
            name,
            action: { kind: "rename", newName: this.parseCompoundName() },
          };
        }
        if (!this.acceptWord("AS")) this.fail("RENAME TO or AS");
        return { kind: "alterView", pos, name, action: { kind: "as", query: this.parseQuery() } };
      }
      case "FUNCTION": {
        const ifExists = this.acceptWords("IF", "EXISTS");
        const name = this.parseCompoundName("a function name");
        this.expectWord("AS");
        const identifier = this.parseString("the function's class or module name in quotes");
        const language = this.parseLanguage();
        return {
          kind: "alterFunction",
          pos,
          name,
          temporary,
          system,
          ifExists,
          identifier,
          language,
        };
      }
      case "DATABASE": {
        const name = this.parseCompoundName("a database name");
        this.expectWord("SET");
        return {
          kind: "alterDatabase",
          pos,
          name,
          action: { kind: "setOptions", options: this.parseProperties() },
        };
      }
      case "CATALOG": {
        const name = [this.parseIdentifier("a catalog name")];
        if (this.acceptWord("SET")) {
          return {
            kind: "alterCatalog",
            pos,
            name,
            action: { kind: "setOptions", options: this.parseProperties() },
          };
        }
        if (this.acceptWord("RESET")) {
          return {
            kind: "alterCatalog",
            pos,
            name,
            action: { kind: "resetOptions", keys: this.parsePropertyKeys() },
          };
        }
        if (!this.acceptWord("COMMENT")) this.fail("SET, RESET or COMMENT");
        return {
          kind: "alterCatalog",
          pos,
          name,
          action: { kind: "comment", comment: this.parseString() },
        };
      }
    }
  }

  private parseAlterTableAction(): AlterTableAction {
    const pos = this.here;
    return { pos, ...this.parseAlterTableChange() };
  }

  private parseAlterTableChange(): AlterTableChange {
    if (this.acceptWord("RENAME")) {
      if (this.acceptWord("TO"))
        return { kind: "renameTable", newName: this.parseCompoundName("a table name") };
      const from = this.parseIdentifier("TO or a column name");
      this.expectWord("TO");
      return { kind: "renameColumn", from, to: this.parseIdentifier("a column name") };
    }
    if (this.acceptWord("SET")) return { kind: "setOptions", options: this.parseProperties() };
    if (this.acceptWord("RESET")) return { kind: "resetOptions", keys: this.parsePropertyKeys() };
    const verb = this.acceptOneOf(["ADD", "MODIFY", "DROP"] as const);
    if (!verb) this.fail("ADD, MODIFY, DROP, RENAME, SET or RESET");
    if (verb === "DROP") return this.parseDropAction();
    if (this.isWord("DISTRIBUTION") || this.isWord("DISTRIBUTED")) {
      const distribution = this.parseDistribution();
      return { kind: verb === "ADD" ? "addDistribution" : "modifyDistribution", distribution };
    }
    if (verb === "ADD" && (this.isWord("PARTITION") || this.isWords("IF", "NOT", "EXISTS"))) {
      const ifNotExists = this.acceptWords("IF", "NOT", "EXISTS");
      const partitions: { spec: PartitionValue[]; options: Property[] }[] = [];
      do {
        const spec = this.parsePartitionSpec(true);
        partitions.push({ spec, options: this.acceptWord("WITH") ? this.parseProperties() : [] });
      } while (this.isWord("PARTITION"));
      return { kind: "addPartitions", ifNotExists, partitions };
    }
    const items: SchemaItem[] = [];
    if (this.isSymbol("(")) {
      const open = this.next();
      do items.push(...this.parseSchemaItem(true));
      while (this.acceptSymbol(","));
      this.expectClose(open);
    } else {
      items.push(...this.parseSchemaItem(true));
    }
    return { kind: verb === "ADD" ? "add" : "modify", items };
  }

  private parseDropAction(): AlterTableChange {
    if (this.acceptWords("PRIMARY", "KEY")) return { kind: "dropPrimaryKey" };
    if (this.acceptWord("WATERMARK")) return { kind: "dropWatermark" };
    if (this.acceptWord("DISTRIBUTION")) return { kind: "dropDistribution" };
    if (this.acceptWord("CONSTRAINT")) {
      return { kind: "dropConstraint", name: this.parseIdentifier("a constraint name") };
    }
    if (this.isWord("PARTITION") || this.isWords("IF", "EXISTS")) {
      const ifExists = this.acceptWords("IF", "EXISTS");
      const partitions = [this.parsePartitionSpec(true)];
      while (this.acceptSymbol(",")) partitions.push(this.parsePartitionSpec(true));
      return { kind: "dropPartitions", ifExists, partitions };
    }
    if (this.isSymbol("(")) return { kind: "dropColumns", columns: this.parseNameList() };
    const column = this.parseIdentifier(
      "a column name, '(', PRIMARY KEY, CONSTRAINT, WATERMARK, PARTITION or DISTRIBUTION",
    );
    return { kind: "dropColumns", columns: [column] };
  }

  /** `PARTITION (col = literal, ...)`; without `valuesRequired`, `col` alone is allowed too. */
  protected parsePartitionSpec(valuesRequired: boolean): PartitionValue[] {
    this.expectWord("PARTITION");
    const open = this.expectSymbol("(");
    const spec: PartitionValue[] = [];
    do {
      const pos = this.here;
      const column = this.parseIdentifier("a partition column");
      if (!valuesRequired && !this.isSymbol("=")) {
        spec.push({ pos, column });
        continue;
      }
      this.expectSymbol("=");
      spec.push({ pos, column, value: this.parseExpr() });
    } while (this.acceptSymbol(","));
    this.expectClose(open);
    return spec;
  }

  /** `DROP ...` (the DROP word is current). */
  protected parseDrop(): Statement {
    const pos = this.next().pos;
    const temporary = this.acceptWord("TEMPORARY");
    const system = temporary && this.acceptWord("SYSTEM");
    const objectKind = this.acceptOneOf([
      "TABLE",
      "VIEW",
      "FUNCTION",
      "CATALOG",
      "DATABASE",
    ] as const);
    if (!objectKind) this.fail("TABLE, VIEW, FUNCTION, CATALOG or DATABASE");
    if (system && objectKind !== "FUNCTION")
      this.fail("FUNCTION after TEMPORARY SYSTEM", this.peek(-1));
    const ifExists = this.acceptWords("IF", "EXISTS");
    const name =
      objectKind === "CATALOG"
        ? [this.parseIdentifier("a catalog name")]
        : this.parseCompoundName(`a ${objectKind.toLowerCase()} name`);
    const behavior =
      objectKind === "DATABASE" ? this.acceptOneOf(["RESTRICT", "CASCADE"] as const) : undefined;
    return { kind: "drop", pos, objectKind, name, temporary, system, ifExists, behavior };
  }
}
