/**
 * Structured logs: one JSON object per line with an `event` name and ids, so
 * an operator can follow one request or hold across the Worker and the rooms
 * (`wrangler tail | grep <holdId>`; docs/operations.md). Callers pass ids and
 * counts, never secrets, tokens or card data. A `userId` is logged hashed
 * (`user`: the first 16 hex digits of its SHA-256), so lines of one fan can
 * be found (`npm run log-user -- <userId>` prints the hash) without the logs
 * carrying who they are.
 *
 * Steps (a request, a room's step, a webhook, a job) are logged with
 * `step()`, which also writes the step as a Workers Analytics Engine
 * datapoint when the `OPS_METRICS` binding is there.
 */
import { createHash } from "node:crypto";

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function log(level: "info" | "warn" | "error", event: string, fields: LogFields = {}): void {
  const { userId, ...rest } = fields;
  const clean: LogFields = {};
  for (const [name, value] of Object.entries(rest)) clean[name] = typeof value === "string" ? cleanText(name, value) : value;
  const line = JSON.stringify({ level, event, ...clean, ...(typeof userId === "string" ? { user: hashUser(userId) } : {}), at: new Date().toISOString() });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/**
 * Every text logged: an organization named after its user (`user:<id>`, an
 * organizer's personal org) is logged with the user's pseudonym, and any
 * address, bearer token or key a free text carries is redacted.
 */
function cleanText(name: string, value: string): string {
  if (value.startsWith("user:") && (name === "org" || name === "orgId")) return `user:${hashUser(value.slice(5))}`;
  return redact(value);
}

/** The pseudonym a user id is logged as. */
export function hashUser(userId: string): string {
  return `u_${createHash("sha256").update(userId).digest("hex").slice(0, 16)}`;
}

/** One step of the system, as logged and counted: what it was, for which ids, how it ended and how long it took. */
export interface Step {
  /** `request`, `room.reserve`, `room.claim`, `webhook`, `job.cancellation`, `job.mail`, … */
  step: string;
  requestId?: string | null | undefined;
  eventId?: string | null | undefined;
  holdId?: string | null | undefined;
  bookingId?: string | null | undefined;
  userId?: string | null | undefined;
  /** `ok`, a status code, or the refusal's kind. */
  outcome: string;
  durationMs: number;
}

/** Where a step's datapoint goes: the binding, when the deployment has one. */
export interface StepSink {
  OPS_METRICS?: AnalyticsEngineDataset;
}

/**
 * Logs a step (one line) and writes it to Analytics Engine: blobs are
 * [step, outcome, eventId, requestId], doubles [durationMs, seats], the index is
 * the event (sampling keeps each event's figures fair). See
 * docs/operations.md for the SQL API queries over them.
 */
export function step(env: StepSink | undefined, fields: Step & LogFields, level: "info" | "warn" | "error" = "info"): void {
  const { step: name, outcome, durationMs, ...ids } = fields;
  log(level, name, { ...ids, outcome, durationMs: Math.round(durationMs * 10) / 10 });
  try {
    env?.OPS_METRICS?.writeDataPoint({
      indexes: [fields.eventId ?? "none"],
      blobs: [name, outcome, fields.eventId ?? "", fields.requestId ?? ""],
      doubles: [durationMs, typeof fields.seats === "number" ? fields.seats : 0],
    });
  } catch (error) {
    // Metrics never fail a step.
    console.warn(JSON.stringify({ level: "warn", event: "metrics_write_failed", message: String(error) }));
  }
}

/** Strips credentials from connection strings, bearer tokens and email addresses from a message before it is logged. */
export function redact(text: string): string {
  return text
    .replace(/(\w+:\/\/)[^/\s:@]+:[^/\s@]+@/g, "$1***:***@")
    .replace(/Bearer\s+[\w.-]+/gi, "Bearer ***")
    .replace(/\b(sk|rk|whsec)_(live|test)?_?[\w]+/g, "$1_***")
    .replace(/[\w.!#$%&'+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+/g, "<address>");
}
