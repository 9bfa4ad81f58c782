/**
 * Structured logs: one JSON object per line with an `event` name and ids, so
 * an operator can follow one request or hold across the Worker and the rooms.
 * Callers pass ids and counts, never secrets, tokens or card data.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function log(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, ...fields, at: new Date().toISOString() });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** Strips credentials from connection strings, bearer tokens and email addresses from a message before it is logged. */
export function redact(text: string): string {
  return text
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1***:***@")
    .replace(/Bearer\s+[\w.-]+/gi, "Bearer ***")
    .replace(/\b(sk|rk|whsec)_(live|test)?_?[\w]+/g, "$1_***")
    .replace(/[\w.!#$%&'+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+/g, "<address>");
}
