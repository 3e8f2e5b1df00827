/**
 * A catalog persisted as JSON files under a directory, so definitions survive restarts. It keeps
 * everything in memory (an {@link InMemoryCatalog}) and writes each change through to disk
 * before returning; a new `FileCatalog` on the same directory reads it all back.
 *
 * Layout (names are escaped: characters other than `a-z0-9_-` become `%XX` bytes and capitals
 * `^x`, so names never clash on case-insensitive file systems and never start with a dot):
 *
 * ```
 * <dir>/<db>/database.json            { version, name, comment?, properties }
 * <dir>/<db>/tables/<name>.json       { version, name, kind: "table" | "view", ddl }
 * <dir>/<db>/functions/<name>.json    { version, name, identifier, language }
 * ```
 *
 * Tables and views are stored as their DDL (the CREATE TABLE text as written, or a generated one
 * after ALTER / LIKE) and parsed back on open, so they round trip exactly. Each file is written
 * atomically (a temporary file, fsync, rename); dropping a database renames its folder away
 * before deleting it. One process at a time should change a directory: changes made by another
 * process are seen on the next open.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { functionKey } from "./catalog.ts";
import { CatalogError } from "./errors.ts";
import { InMemoryCatalog } from "./in-memory-catalog.ts";
import type { CatalogBaseTable, CatalogDatabase, CatalogFunction, ObjectPath } from "./objects.ts";
import {
  createTableDdl,
  createViewDdl,
  parseTableDdl,
  parseViewDdl,
  quotedName,
} from "./table-ddl.ts";

/** Version of the files' format. */
const FORMAT_VERSION = 1;
const DATABASE_FILE = "database.json";
const TABLES = "tables";
const FUNCTIONS = "functions";
let tempCounter = 0;

/** A file name for an object name (see the module comment). */
export function encodeName(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/[a-z0-9_-]/.test(ch)) out += ch;
    else if (/[A-Z]/.test(ch)) out += "^" + ch.toLowerCase();
    else
      for (const b of Buffer.from(ch, "utf8"))
        out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Writes `text` to `file` atomically: a temporary file in the same folder, fsync, rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${tempCounter++}`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** A catalog whose objects live in JSON files under a directory. */
export class FileCatalog extends InMemoryCatalog {
  /** The directory holding the catalog. */
  readonly directory: string;

  /**
   * Opens (or creates) the catalog stored under `directory` and reads every object back. Throws
   * a {@link CatalogError} naming the file when one cannot be read.
   */
  constructor(name: string, directory: string, defaultDatabase = "default") {
    super(name, defaultDatabase);
    this.directory = nodePath.resolve(directory);
    fs.mkdirSync(this.directory, { recursive: true });
    this.load();
    if (!fs.existsSync(this.databaseFile(defaultDatabase))) {
      this.writeDatabase(defaultDatabase, super.getDatabase(defaultDatabase));
    }
  }

  private dbDir(db: string): string {
    return nodePath.join(this.directory, encodeName(db));
  }
  private databaseFile(db: string): string {
    return nodePath.join(this.dbDir(db), DATABASE_FILE);
  }
  private tableFile(path: ObjectPath): string {
    return nodePath.join(this.dbDir(path.database), TABLES, `${encodeName(path.object)}.json`);
  }
  private functionFile(path: ObjectPath): string {
    return nodePath.join(
      this.dbDir(path.database),
      FUNCTIONS,
      `${encodeName(functionKey(path.object))}.json`,
    );
  }

  private readJson(file: string): Record<string, unknown> {
    try {
      const v = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
      if (v === null || typeof v !== "object" || Array.isArray(v))
        throw new Error("not a JSON object");
      const version = (v as { version?: unknown }).version;
      if (version !== FORMAT_VERSION)
        throw new Error(`unsupported format version ${String(version)}`);
      return v as Record<string, unknown>;
    } catch (e) {
      throw new CatalogError(
        `FileCatalog '${this.name}': cannot read ${file}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  private jsonFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json") && !f.startsWith("."))
      .sort()
      .map((f) => nodePath.join(dir, f));
  }

  private load(): void {
    for (const entry of fs.readdirSync(this.directory, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const dir = nodePath.join(this.directory, entry.name);
      const dbFile = nodePath.join(dir, DATABASE_FILE);
      if (!fs.existsSync(dbFile)) continue;
      const d = this.readJson(dbFile);
      const name = String(d.name);
      const db: CatalogDatabase = {
        ...(typeof d.comment === "string" ? { comment: d.comment } : {}),
        properties: (d.properties as Record<string, string>) ?? {},
      };
      if (super.databaseExists(name)) super.alterDatabase(name, db, false);
      else super.createDatabase(name, db, false);
      for (const file of this.jsonFiles(nodePath.join(dir, TABLES))) {
        const t = this.readJson(file);
        let table: CatalogBaseTable;
        try {
          table = t.kind === "view" ? parseViewDdl(String(t.ddl)) : parseTableDdl(String(t.ddl));
        } catch (e) {
          throw new CatalogError(
            `FileCatalog '${this.name}': cannot read the ${String(t.kind)} in ${file}: ${(e as Error).message}`,
            { cause: e },
          );
        }
        super.createTable({ database: name, object: String(t.name) }, table, false);
      }
      for (const file of this.jsonFiles(nodePath.join(dir, FUNCTIONS))) {
        const f = this.readJson(file);
        const fn: CatalogFunction = {
          kind: "function",
          identifier: String(f.identifier),
          language: f.language as CatalogFunction["language"],
        };
        super.createFunction({ database: name, object: String(f.name) }, fn, false);
      }
    }
  }

  private writeDatabase(name: string, db: CatalogDatabase): void {
    fs.mkdirSync(this.dbDir(name), { recursive: true });
    const json = { version: FORMAT_VERSION, name, ...db };
    writeFileAtomic(this.databaseFile(name), JSON.stringify(json, null, 2) + "\n");
  }

  private writeTable(path: ObjectPath, table: CatalogBaseTable): void {
    const name = quotedName([path.object]);
    const ddl =
      table.kind === "view"
        ? createViewDdl(name, table)
        : (table.ddl ?? createTableDdl(name, table));
    fs.mkdirSync(nodePath.dirname(this.tableFile(path)), { recursive: true });
    const json = { version: FORMAT_VERSION, name: path.object, kind: table.kind, ddl };
    writeFileAtomic(this.tableFile(path), JSON.stringify(json, null, 2) + "\n");
  }

  private writeFunction(path: ObjectPath, fn: CatalogFunction): void {
    fs.mkdirSync(nodePath.dirname(this.functionFile(path)), { recursive: true });
    const json = {
      version: FORMAT_VERSION,
      name: functionKey(path.object),
      identifier: fn.identifier,
      language: fn.language,
    };
    writeFileAtomic(this.functionFile(path), JSON.stringify(json, null, 2) + "\n");
  }

  /** Runs a memory change, then its file change; a failed file change undoes the memory change. */
  private persist(change: () => void, write: () => void, undo: () => void): void {
    change();
    try {
      write();
    } catch (e) {
      undo();
      throw new CatalogError(`FileCatalog '${this.name}': ${(e as Error).message}`, { cause: e });
    }
  }

  override createDatabase(name: string, db: CatalogDatabase, ignoreIfExists: boolean): void {
    if (super.databaseExists(name)) return super.createDatabase(name, db, ignoreIfExists);
    this.persist(
      () => super.createDatabase(name, db, false),
      () => this.writeDatabase(name, db),
      () => super.dropDatabase(name, true, true),
    );
  }

  override dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): void {
    if (!super.databaseExists(name)) return super.dropDatabase(name, ignoreIfNotExists, cascade);
    super.dropDatabase(name, false, cascade);
    const dir = this.dbDir(name);
    if (!fs.existsSync(dir)) return;
    const trash = nodePath.join(
      this.directory,
      `.dropped-${encodeName(name)}-${process.pid}-${tempCounter++}`,
    );
    fs.renameSync(dir, trash);
    fs.rmSync(trash, { recursive: true, force: true });
  }

  override alterDatabase(name: string, db: CatalogDatabase, ignoreIfNotExists: boolean): void {
    if (!super.databaseExists(name)) return super.alterDatabase(name, db, ignoreIfNotExists);
    const old = super.getDatabase(name);
    this.persist(
      () => super.alterDatabase(name, db, false),
      () => this.writeDatabase(name, db),
      () => super.alterDatabase(name, old, false),
    );
  }

  override createTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfExists: boolean): void {
    if (super.tableExists(path)) return super.createTable(path, table, ignoreIfExists);
    this.persist(
      () => super.createTable(path, table, false),
      () => this.writeTable(path, table),
      () => super.dropTable(path, true),
    );
  }

  override alterTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfNotExists: boolean): void {
    if (!super.tableExists(path)) return super.alterTable(path, table, ignoreIfNotExists);
    const old = super.getTable(path);
    this.persist(
      () => super.alterTable(path, table, false),
      () => this.writeTable(path, table),
      () => super.alterTable(path, old, false),
    );
  }

  override renameTable(path: ObjectPath, newName: string, ignoreIfNotExists: boolean): void {
    if (!super.tableExists(path)) return super.renameTable(path, newName, ignoreIfNotExists);
    const target = { database: path.database, object: newName };
    this.persist(
      () => super.renameTable(path, newName, false),
      () => {
        this.writeTable(target, super.getTable(target));
        fs.rmSync(this.tableFile(path), { force: true });
      },
      () => super.renameTable(target, path.object, false),
    );
  }

  override dropTable(path: ObjectPath, ignoreIfNotExists: boolean): void {
    if (!super.tableExists(path)) return super.dropTable(path, ignoreIfNotExists);
    const old = super.getTable(path);
    this.persist(
      () => super.dropTable(path, false),
      () => fs.rmSync(this.tableFile(path), { force: true }),
      () => super.createTable(path, old, false),
    );
  }

  override createFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfExists: boolean): void {
    if (super.functionExists(path)) return super.createFunction(path, fn, ignoreIfExists);
    this.persist(
      () => super.createFunction(path, fn, false),
      () => this.writeFunction(path, fn),
      () => super.dropFunction(path, true),
    );
  }

  override alterFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfNotExists: boolean): void {
    if (!super.functionExists(path)) return super.alterFunction(path, fn, ignoreIfNotExists);
    const old = super.getFunction(path);
    this.persist(
      () => super.alterFunction(path, fn, false),
      () => this.writeFunction(path, fn),
      () => super.alterFunction(path, old, false),
    );
  }

  override dropFunction(path: ObjectPath, ignoreIfNotExists: boolean): void {
    if (!super.functionExists(path)) return super.dropFunction(path, ignoreIfNotExists);
    const old = super.getFunction(path);
    this.persist(
      () => super.dropFunction(path, false),
      () => fs.rmSync(this.functionFile(path), { force: true }),
      () => super.createFunction(path, old, false),
    );
  }
}
