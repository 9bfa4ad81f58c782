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
  typeof fields.t === "string" && !Number.isNaN(Date.parse(fields.t)) && typeof fields.i === "string" && fields.i.length <= 100
    ? { t: fields.t, i: fields.i }
    : undefined;
