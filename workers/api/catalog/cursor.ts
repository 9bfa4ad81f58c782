/**
 * Opaque page cursors: a small JSON object in base64url. A cursor only
 * carries where the last page ended; whoever decodes it validates its fields
 * and answers a damaged one with a 400.
 */
import { badRequest } from "../problem";

export function encodeCursor(position: Record<string, unknown>): string {
  return btoa(JSON.stringify(position)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor's object, if `accept` takes it; a 400 naming `what` otherwise. */
export function decodeCursor<T>(raw: string, accept: (fields: Record<string, unknown>) => T | undefined, what: string): T {
  try {
    const parsed: unknown = JSON.parse(atob(raw.replaceAll("-", "+").replaceAll("_", "/")));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const accepted = accept(parsed as Record<string, unknown>);
      if (accepted !== undefined) return accepted;
    }
  } catch {
    // fall through to the 400 below
  }
  throw badRequest(`cursor: not a cursor from a previous page of ${what}`);
}

/** A keyset position (a time and an id), as most lists page. */
export interface TimeAndId {
  t: string;
  i: string;
}

export const timeAndId = (fields: Record<string, unknown>): TimeAndId | undefined =>
  typeof fields.t === "string" && isTimestampText(fields.t) && typeof fields.i === "string" && fields.i.length <= 100
    ? { t: fields.t, i: fields.i }
    : undefined;

/** Postgres's text of a timestamptz (or ISO 8601): `2027-06-01 19:30:00.123456+00`. */
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

/**
 * Whether Postgres reads `t` as a time. Date.parse is not the test: it takes
 * "1" or "2020-02-31", which Postgres refuses (a 500 instead of a 400).
 */
function isTimestampText(t: string): boolean {
  const m = TIMESTAMP_TEXT.exec(t);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
