/**
 * Neon's SQL-over-HTTP endpoint, locally: what `neon()` (and Drizzle's
 * `neon-http`) send to `https://<endpoint host>/sql` in production, answered
 * from a local Postgres. The WebSocket proxy mounts it on its own port, so
 * one address (`NEON_LOCAL_PROXY`) serves both paths of the driver and the
 * code that runs in production is the code that runs here.
 *
 * The protocol, as `@neondatabase/serverless` 1.2 speaks it (its `neon()`
 * function in index.mjs; the options in its CONFIG.md):
 *
 * - `POST /sql`, JSON body `{query, params}` for one statement, or
 *   `{queries: [{query, params}, ...]}` for a non-interactive transaction
 *   (`sql.transaction([...])`, Drizzle's `db.batch()`). Params arrive
 *   already serialized as Postgres text (or null); bytea as `\x…` hex.
 * - Headers: `Neon-Connection-String` (the whole URL, password included),
 *   `Neon-Raw-Text-Output: true` and `Neon-Array-Mode: true` (always sent:
 *   the driver parses values itself, with pg-types, from `dataTypeID`); for
 *   a batch, `Neon-Batch-Isolation-Level` (`ReadUncommitted`,
 *   `ReadCommitted`, `RepeatableRead`, `Serializable`),
 *   `Neon-Batch-Read-Only` and `Neon-Batch-Deferrable` when set.
 * - 200 answer: `{command, rowCount, fields: [{name, dataTypeID, tableID,
 *   columnID, dataTypeSize, dataTypeModifier, format}], rows, rowAsArray}`
 *   with each row an array of text values or null; a batch answers
 *   `{results: [...]}`.
 * - A statement Postgres refuses: status 400, `{message, code, severity,
 *   detail, hint, position, …}`; the driver copies those fields onto its
 *   `NeonDbError`, so a caller sees the SQLSTATE as it would over WebSocket.
 *   Any other status becomes "Server error (HTTP status N)".
 *
 * Statements run on a few persistent connections per connection string
 * (pooled here, as Neon pools them behind its endpoint), always with the
 * extended protocol, so a request holds exactly one statement, as on Neon.
 * With `turns` (the embedded database, one session), each request waits
 * for its turn like a WebSocket connection's request does, on its own
 * connection that holds the turn for one statement or one batch.
 *
 * Only loopback databases are served, as by the WebSocket proxy.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import type { Turns } from "./turns";

export interface SqlOverHttp {
  /** Answers one `POST /sql`. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Drops every pooled connection (a played outage, or shutting down). */
  cut(): Promise<void>;
  /** How many requests reached the database so far (the test suites check which path a route took). */
  served(): number;
}

interface Statement {
  query: string;
  params?: unknown[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Values stay Postgres text: the driver parses them itself (Neon-Raw-Text-Output). */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };
const ISOLATION: Record<string, string> = {
  ReadUncommitted: "read uncommitted",
  ReadCommitted: "read committed",
  RepeatableRead: "repeatable read",
  Serializable: "serializable",
};
/** The fields of a Postgres error the driver copies onto its NeonDbError. */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

export function sqlOverHttp(options: { turns?: Turns | undefined; isDown: () => boolean }): SqlOverHttp {
  const pools = new Map<string, pg.Pool>();
  let served = 0;

  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      // One connection takes the embedded database's turn; a real server gets a few.
      pool = new pg.Pool({ connectionString, max: options.turns ? 1 : 8, idleTimeoutMillis: 60_000 });
      // An idle connection that breaks is dropped by the pool; the next request opens another.
      pool.on("error", () => {});
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const run = async (pool: pg.Pool, statements: Statement[], batch: Headers | undefined): Promise<unknown[]> => {
    const release = await options.turns?.acquire();
    const client = await pool.connect().catch((error: unknown) => {
      release?.();
      throw error;
    });
    let broken: Error | undefined;
    try {
      if (batch) await client.query(begin(batch));
      const results: unknown[] = [];
      for (const statement of statements) {
        const result = await client.query({
          text: statement.query,
          values: statement.params ?? [],
          rowMode: "array",
          types: RAW_TEXT,
          // One statement per request, as on Neon: never the simple protocol's several.
          queryMode: "extended",
        } as pg.QueryArrayConfig);
        results.push(resultBody(result));
      }
      if (batch) await client.query("commit");
      return results;
    } catch (error) {
      if (batch) await client.query("rollback").catch((e: unknown) => (broken = e as Error));
      if (!(error instanceof pg.DatabaseError)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
      release?.();
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers.set(name, value);
    const body = await readBody(request);
    if (options.isDown()) {
      // As an endpoint that cannot reach its database: the request fails without an answer.
      request.socket.destroy();
      return;
    }
    let target: URL;
    try {
      target = new URL(headers.get("neon-connection-string") ?? "");
    } catch {
      return answer(response, 400, { message: "Neon-Connection-String is missing or not a URL" });
    }
    // pg takes `host` from the query string over the URL's host (pg-connection-string), so a query may name none.
    if (!LOOPBACK.has(target.hostname) || target.searchParams.has("host")) {
      return answer(response, 400, { message: "only loopback Postgres addresses are served" });
    }
    let parsed: Statement | { queries: Statement[] };
    try {
      parsed = JSON.parse(body) as Statement | { queries: Statement[] };
    } catch {
      return answer(response, 400, { message: "the body is not JSON" });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return answer(response, 400, { message: "the body has no query" });
    const statements = "queries" in parsed ? parsed.queries : [parsed];
    if (!Array.isArray(statements) || statements.some((s) => typeof s?.query !== "string" || (s.params !== undefined && !Array.isArray(s.params)))) {
      return answer(response, 400, { message: "the body has no query" });
    }
    served += 1;
    try {
      const results = await run(poolFor(target.toString()), statements, "queries" in parsed ? headers : undefined);
      const rows = headers.get("neon-array-mode") === "true" ? results : results.map(asObjects);
      return answer(response, 200, "queries" in parsed ? { results: rows } : rows[0]);
    } catch (error) {
      if (error instanceof pg.DatabaseError) return answer(response, 400, databaseError(error));
      // Postgres could not be reached: answer as Postgres would, so the caller sees an unavailable database (SQLSTATE class 08).
      return answer(response, 400, { message: `could not connect to the database: ${(error as Error).message}`, code: "08006", severity: "FATAL" });
    }
  };

  return {
    handle: (request, response) => {
      handle(request, response).catch(() => {
        if (!response.headersSent) answer(response, 500, { message: "the local SQL endpoint failed" });
      });
    },
    cut: async () => {
      const ending = [...pools.values()].map((pool) => pool.end().catch(() => {}));
      pools.clear();
      await Promise.all(ending);
    },
    served: () => served,
  };
}

function begin(headers: Headers): string {
  const parts = ["begin"];
  const isolation = ISOLATION[headers.get("neon-batch-isolation-level") ?? ""];
  if (isolation) parts.push(`isolation level ${isolation}`);
  const readOnly = headers.get("neon-batch-read-only");
  if (readOnly) parts.push(readOnly === "true" ? "read only" : "read write");
  const deferrable = headers.get("neon-batch-deferrable");
  if (deferrable) parts.push(deferrable === "true" ? "deferrable" : "not deferrable");
  return parts.join(" ");
}

function resultBody(result: pg.QueryArrayResult): Record<string, unknown> {
  return {
    command: result.command,
    rowCount: result.rowCount,
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    rows: result.rows,
    rowAsArray: true,
  };
}

/** Without Neon-Array-Mode: rows as objects keyed by column name. */
function asObjects(result: unknown): unknown {
  const body = result as { fields: { name: string }[]; rows: unknown[][] };
  return { ...body, rowAsArray: false, rows: body.rows.map((row) => Object.fromEntries(row.map((v, i) => [body.fields[i]?.name ?? String(i), v]))) };
}

function databaseError(error: pg.DatabaseError): Record<string, unknown> {
  const body: Record<string, unknown> = { message: error.message };
  for (const field of ERROR_FIELDS) if (error[field] !== undefined) body[field] = error[field];
  return body;
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.socket.destroy();
        reject(new Error("the body is too large"));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
