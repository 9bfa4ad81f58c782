/**
 * CSV exports, streamed: RFC 4180 text (a header row, CRLF line ends,
 * fields quoted when they hold a comma, quote, CR or LF, quotes doubled),
 * UTF-8, read from Postgres in keyset pages as the client downloads.
 *
 * Memory stays flat whatever the event's size: the stream asks for the next
 * page only when the one before has been taken (one page queued at most),
 * and each page is a range of a unique key, never an OFFSET.
 *
 * The request's pool (db.ts) is ended once the response is returned, before
 * the body is read, so an export has its own session: opened for the first
 * page (read before answering, so a database that is down is a 503 problem,
 * not a 200 that breaks off at once), ended when the last page is read, the
 * download is cancelled, or a page fails. A page that fails mid-download
 * errors the stream, so the client sees a broken transfer, never a file
 * that looks complete.
 */
import type { Context } from "hono";
import { openSession } from "../../../src/shared/database";
import { log, redact } from "../../../src/shared/log";
import type { AppEnv, Database } from "../env";

export type CsvValue = string | number | null;

/** Rows per page: a page is a few hundred kilobytes of CSV, and a stadium's export about fifty queries. */
export const CSV_PAGE_ROWS = 2_000;

/**
 * Spreadsheets run a cell that starts with one of these as a formula (CSV
 * injection). Fan ids and section names are typed by strangers, and the
 * organizer opens the file in a spreadsheet, so such a text is prefixed
 * with an apostrophe, which makes it text (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null) return "";
  // Numbers are ours (counts, cents), never a stranger's text.
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(fields: readonly CsvValue[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** An export: its rows, a page at a time in the order of a unique key. */
export interface CsvExport<T, K> {
  eventId: string;
  /** What the file holds: its name is `<eventId>-<name>.csv`. */
  name: string;
  header: readonly string[];
  /** Up to `limit` records whose key follows `after` (from the first when undefined), in key order. */
  page: (db: Database, after: K | undefined, limit: number) => Promise<T[]>;
  key: (record: T) => K;
  row: (record: T) => CsvValue[];
}

export async function csvResponse<T, K>(c: Context<AppEnv>, spec: CsvExport<T, K>): Promise<Response> {
  const headers = {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="${spec.eventId}-${spec.name}.csv"`,
    // Fans' ids and orders: no cache keeps a copy.
    "cache-control": "no-store",
  };
  // Hono answers HEAD with the GET route's headers and drops the body unread, so no session is opened for it.
  if (c.req.method === "HEAD") return new Response(null, { headers });
  const session = openSession(c.env);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    c.executionCtx.waitUntil(session.end());
  };
  let after: K | undefined;
  let done = false;
  let rows = 0;
  const nextPage = async (): Promise<string> => {
    const records = await spec.page(session.db(), after, CSV_PAGE_ROWS);
    rows += records.length;
    const last = records.at(-1);
    if (last === undefined || records.length < CSV_PAGE_ROWS) done = true;
    else after = spec.key(last);
    return records.map((record) => csvLine(spec.row(record))).join("");
  };
  const fields = { requestId: c.var.requestId, eventId: spec.eventId, export: spec.name };
  let first: string;
  try {
    first = csvLine(spec.header) + (await nextPage());
  } catch (error) {
    end();
    throw error;
  }

  const encoder = new TextEncoder();
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    controller.close();
    end();
    log("info", "csv_exported", { ...fields, rows });
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(first));
      first = "";
      if (done) finish(controller);
    },
    async pull(controller) {
      try {
        const text = await nextPage();
        if (text) controller.enqueue(encoder.encode(text));
        if (done) finish(controller);
      } catch (error) {
        end();
        log("error", "csv_export_failed", { ...fields, rows, message: redact(String(error)) });
        controller.error(error);
      }
    },
    cancel() {
      end();
      log("info", "csv_export_cancelled", { ...fields, rows });
    },
  });
  return new Response(body, { headers });
}
