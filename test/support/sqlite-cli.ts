// A real SQLite database file for the framework tests, through Debian's `sqlite3` shell: this
// Node (20) has no node:sqlite, and no SQLite driver package is installed (better-sqlite3 would
// replace this file). A Kysely dialect whose driver runs each statement in the shell, one at a
// time, with JSON output. Parameters become SQL literals; Kysely only emits `?` as placeholders.
import { execFile } from "node:child_process";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from "kysely";

export const SQLITE = process.env.SQLITE_PATH ?? "/usr/bin/sqlite3";

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString("hex")}'`;
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** `sql` with each `?` outside quotes replaced by its parameter as a literal. */
export function inline(sql: string, parameters: readonly unknown[]): string {
  let out = "";
  let quote: string | undefined;
  let next = 0;
  for (const char of sql) {
    if (quote) {
      if (char === quote) quote = undefined;
      out += char;
    } else if (char === "'" || char === '"' || char === "`") {
      quote = char;
      out += char;
    } else if (char === "?") {
      out += literal(parameters[next++]);
    } else out += char;
  }
  if (next !== parameters.length) throw new Error("sqlite-cli: placeholder count mismatch");
  return out;
}

// A slow database on demand, to replay what a loaded machine does to the framework tests:
// SQLITE_CLI_DELAY_MS=500 makes each statement wait 0-500 ms first, drawn from a seeded
// generator (SQLITE_CLI_SEED, default 1), so a run's delays repeat. Unset: no delay.
const SLOW_MS = Number(process.env.SQLITE_CLI_DELAY_MS ?? 0);
let seed = Number(process.env.SQLITE_CLI_SEED ?? 1);
const draw = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

async function shell(file: string, input: string): Promise<string> {
  if (SLOW_MS > 0) await new Promise((r) => setTimeout(r, Math.floor(draw() * SLOW_MS)));
  return new Promise((resolve, reject) => {
    const child = execFile(SQLITE, ["-json", "-bail", file], (error, stdout, stderr) => {
      if (error) reject(new Error(`sqlite3: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(input);
  });
}

/** Each result set the shell printed, in order (statements without rows print nothing). */
const resultSets = (out: string): Array<Array<Record<string, unknown>>> =>
  out.trim() === "" ? [] : JSON.parse(`[${out.trim().replace(/\]\n\[/g, "],[")}]`);

class ShellConnection implements DatabaseConnection {
  constructor(private readonly file: string) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const text = inline(query.sql, query.parameters);
    const reads = /^\s*(select|with|pragma)\b/i.test(text) || /\breturning\b/i.test(text);
    if (reads) {
      const rows = (resultSets(await shell(this.file, `${text};\n`))[0] ?? []) as R[];
      const write = !/^\s*(select|with|pragma)\b/i.test(text);
      return write ? { rows, numAffectedRows: BigInt(rows.length) } : { rows };
    }
    const sets = resultSets(await shell(this.file, `${text};\nSELECT changes() AS n;\n`));
    return { rows: [], numAffectedRows: BigInt(Number(sets.at(-1)?.[0]?.n ?? 0)) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error("sqlite-cli: streaming is not supported");
  }
}

/** One statement at a time: the shell opens the file anew for each. */
class ShellDriver implements Driver {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly file: string) {}
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = new ShellConnection(this.file);
    return {
      executeQuery: <R>(query: CompiledQuery) => {
        const run = this.queue.then(() => connection.executeQuery<R>(query));
        this.queue = run.catch(() => undefined);
        return run;
      },
      streamQuery: () => connection.streamQuery(),
    };
  }
  // Each statement commits on its own: the shell process ends with it.
  async beginTransaction() {}
  async commitTransaction() {}
  async rollbackTransaction() {}
  async releaseConnection() {}
  async destroy() {}
}

/** A Kysely dialect over the SQLite database in `file` (created on first use). */
export function sqliteCliDialect(file: string): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new ShellDriver(file),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createIntrospector: (db: Kysely<any>) => new SqliteIntrospector(db),
  };
}

/** Runs one statement directly (a test's own look at the database). */
export async function sqliteQuery(file: string, sql: string, parameters: unknown[] = []) {
  return resultSets(await shell(file, `${inline(sql, parameters)};\n`))[0] ?? [];
}

export { CompiledQuery };
