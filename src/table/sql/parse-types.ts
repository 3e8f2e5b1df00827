/**
 * Data type rules: `INT NOT NULL`, `DECIMAL(10, 2)`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`,
 * `ARRAY<T>`, `T ARRAY`, `MAP<K, V>`, `ROW<a INT 'comment'>`, `RAW('cls', 'snap')`, and interval
 * qualifiers (`DAY(2) TO SECOND(3)`), which interval literals share.
 */
import type {
  DataTypeNode,
  IntervalQualifier,
  RowFieldNode,
  ScalarTypeName,
  TimeUnit,
} from "./ast-types.ts";
import { Cursor } from "./cursor.ts";
import type { SourcePos } from "./errors.ts";

/** Singular and plural spellings of interval units. */
const TIME_UNITS: Readonly<Record<string, TimeUnit>> = {
  YEAR: "YEAR",
  YEARS: "YEAR",
  MONTH: "MONTH",
  MONTHS: "MONTH",
  DAY: "DAY",
  DAYS: "DAY",
  HOUR: "HOUR",
  HOURS: "HOUR",
  MINUTE: "MINUTE",
  MINUTES: "MINUTE",
  SECOND: "SECOND",
  SECONDS: "SECOND",
};

/** The ranges an interval qualifier may span (`start TO end`). */
const VALID_RANGES = new Set([
  "YEAR-MONTH",
  "DAY-HOUR",
  "DAY-MINUTE",
  "DAY-SECOND",
  "HOUR-MINUTE",
  "HOUR-SECOND",
  "MINUTE-SECOND",
]);

/** Type names taking no parameters, by spelling. */
const PLAIN_TYPES: Readonly<Record<string, ScalarTypeName>> = {
  STRING: "STRING",
  BOOLEAN: "BOOLEAN",
  BYTES: "BYTES",
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INT: "INT",
  INTEGER: "INT",
  BIGINT: "BIGINT",
  FLOAT: "FLOAT",
  REAL: "FLOAT",
  DATE: "DATE",
};

/** Type names taking an optional length or precision. */
const SIZED_TYPES: Readonly<Record<string, ScalarTypeName>> = {
  CHAR: "CHAR",
  CHARACTER: "CHAR",
  VARCHAR: "VARCHAR",
  BINARY: "BINARY",
  VARBINARY: "VARBINARY",
  TIME: "TIME",
  TIMESTAMP: "TIMESTAMP",
  TIMESTAMP_LTZ: "TIMESTAMP_LTZ",
};

const DATA_TYPE = "a data type";

/** Data type and interval qualifier rules. */
export class TypeParser extends Cursor {
  /** A data type with its nullability and any `ARRAY` / `MULTISET` suffixes. */
  parseDataType(): DataTypeNode {
    let type = this.parseTypeBody();
    type = this.withNullability(type);
    for (;;) {
      const pos = this.here;
      if (this.acceptWord("ARRAY")) {
        type = this.withNullability({ kind: "arrayType", pos, nullable: true, element: type });
      } else if (this.acceptWord("MULTISET")) {
        type = this.withNullability({ kind: "multisetType", pos, nullable: true, element: type });
      } else {
        return type;
      }
    }
  }

  private withNullability(type: DataTypeNode): DataTypeNode {
    if (this.acceptWords("NOT", "NULL")) return { ...type, nullable: false };
    if (this.acceptWord("NULL")) return { ...type, nullable: true };
    return type;
  }

  private parseTypeBody(): DataTypeNode {
    const t = this.tok;
    const pos = t.pos;
    if (t.type !== "word") this.fail(DATA_TYPE);
    const word = t.upper;
    const plain = PLAIN_TYPES[word];
    if (plain) {
      this.i++;
      return { kind: "scalarType", pos, nullable: true, name: plain };
    }
    if (word === "NULL") {
      this.i++;
      return { kind: "scalarType", pos, nullable: true, name: "NULL" };
    }
    if (word === "DOUBLE") {
      this.i++;
      this.acceptWord("PRECISION");
      return { kind: "scalarType", pos, nullable: true, name: "DOUBLE" };
    }
    if (word === "DECIMAL" || word === "DEC" || word === "NUMERIC") {
      this.i++;
      let precision: number | undefined;
      let scale: number | undefined;
      if (this.isSymbol("(")) {
        const open = this.next();
        precision = this.parseSmallInt("a precision");
        if (this.acceptSymbol(",")) scale = this.parseSmallInt("a scale");
        this.expectClose(open);
      }
      return { kind: "scalarType", pos, nullable: true, name: "DECIMAL", precision, scale };
    }
    const sized = SIZED_TYPES[word];
    if (sized) return this.parseSizedType(sized, pos);
    this.i++;
    switch (word) {
      case "INTERVAL":
        return {
          kind: "intervalType",
          pos,
          nullable: true,
          qualifier: this.parseIntervalQualifier(),
        };
      case "ARRAY":
      case "MULTISET": {
        const open = this.expectSymbol("<");
        const element = this.parseDataType();
        this.expectAngleClose(open.pos);
        return word === "ARRAY"
          ? { kind: "arrayType", pos, nullable: true, element }
          : { kind: "multisetType", pos, nullable: true, element };
      }
      case "MAP": {
        const open = this.expectSymbol("<");
        const key = this.parseDataType();
        this.expectSymbol(",");
        const value = this.parseDataType();
        this.expectAngleClose(open.pos);
        return { kind: "mapType", pos, nullable: true, key, value };
      }
      case "ROW":
        return { kind: "rowType", pos, nullable: true, fields: this.parseRowFields() };
      case "RAW": {
        const open = this.expectSymbol("(");
        const className = this.parseString("a class name string");
        const snapshot = this.acceptSymbol(",") ? this.parseString("a snapshot string") : undefined;
        this.expectClose(open);
        return { kind: "rawType", pos, nullable: true, className, snapshot };
      }
    }
    this.i--;
    this.fail(DATA_TYPE);
  }

  /** CHAR, VARCHAR, BINARY, VARBINARY, TIME, TIMESTAMP, TIMESTAMP_LTZ with optional size. */
  private parseSizedType(name: ScalarTypeName, pos: SourcePos): DataTypeNode {
    this.i++;
    if (name === "CHAR" && this.acceptWord("VARYING")) name = "VARCHAR";
    if (name === "BINARY" && this.acceptWord("VARYING")) name = "VARBINARY";
    let precision: number | undefined;
    if (this.isSymbol("(")) {
      const open = this.next();
      precision = this.parseSmallInt(name.startsWith("TIME") ? "a precision" : "a length");
      this.expectClose(open);
    }
    if (name === "TIME" || name === "TIMESTAMP") {
      if (this.acceptWords("WITHOUT", "TIME", "ZONE")) {
        // the default
      } else if (this.acceptWords("WITH", "LOCAL", "TIME", "ZONE")) {
        if (name === "TIME") throw this.errorAt(pos, "TIME WITH LOCAL TIME ZONE is not supported");
        name = "TIMESTAMP_LTZ";
      } else if (this.isWords("WITH", "TIME", "ZONE")) {
        throw this.errorAt(
          this.here,
          `${name} WITH TIME ZONE is not supported: use TIMESTAMP WITH LOCAL TIME ZONE (TIMESTAMP_LTZ)`,
        );
      }
    }
    return { kind: "scalarType", pos, nullable: true, name, precision };
  }

  /** The `>` closing a `<` at `open` (the lexer never joins `>>`, so nested types close one by one). */
  private expectAngleClose(open: SourcePos): void {
    if (this.acceptSymbol(">")) return;
    this.fail(`'>' to close the '<' at line ${open.line}, column ${open.column}`);
  }

  /** `<a INT, b STRING 'c'>` or `(a INT, b STRING)`; `ROW<>` / `ROW()` are empty rows. */
  private parseRowFields(): RowFieldNode[] {
    if (this.acceptSymbol("<>")) return [];
    const angle = this.isSymbol("<");
    const open = angle ? this.next() : this.expectSymbol("(");
    const close = angle ? ">" : ")";
    const fields: RowFieldNode[] = [];
    if (!this.isSymbol(close)) {
      do {
        const pos = this.here;
        const name = this.parseIdentifier("a field name");
        const type = this.parseDataType();
        const comment = this.isString() ? this.parseString() : undefined;
        fields.push({ pos, name, type, comment });
      } while (this.acceptSymbol(","));
    }
    if (angle) this.expectAngleClose(open.pos);
    else this.expectClose(open);
    return fields;
  }

  /** True if the current token is an interval unit (singular or plural). */
  protected isTimeUnit(k = 0): boolean {
    const t = this.peek(k);
    return t.type === "word" && t.upper in TIME_UNITS;
  }

  private parseTimeUnit(): TimeUnit {
    const t = this.tok;
    const unit = t.type === "word" ? TIME_UNITS[t.upper] : undefined;
    if (!unit) this.fail("an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)");
    this.i++;
    return unit;
  }

  /** `unit [(p)] [TO unit [(fp)]]`, or `SECOND [(p [, fp])]`. */
  protected parseIntervalQualifier(): IntervalQualifier {
    const start = this.parseTimeUnit();
    let startPrecision: number | undefined;
    let fractionalPrecision: number | undefined;
    if (this.isSymbol("(")) {
      const open = this.next();
      startPrecision = this.parseSmallInt("a precision");
      if (start === "SECOND" && this.acceptSymbol(",")) {
        fractionalPrecision = this.parseSmallInt("a fractional second precision");
      }
      this.expectClose(open);
    }
    if (!this.isWord("TO")) return { start, startPrecision, fractionalPrecision };
    this.i++;
    const endPos = this.here;
    const end = this.parseTimeUnit();
    if (!VALID_RANGES.has(`${start}-${end}`)) {
      throw this.errorAt(
        endPos,
        `invalid interval qualifier ${start} TO ${end}: the range must go from a larger to a smaller unit (YEAR TO MONTH, DAY TO HOUR|MINUTE|SECOND, HOUR TO MINUTE|SECOND, MINUTE TO SECOND)`,
      );
    }
    if (this.isSymbol("(")) {
      const open = this.next();
      if (end !== "SECOND") {
        throw this.errorAt(open.pos, `only SECOND takes a fractional precision, not ${end}`);
      }
      fractionalPrecision = this.parseSmallInt("a fractional second precision");
      this.expectClose(open);
    }
    return { start, startPrecision, end, fractionalPrecision };
  }
}
