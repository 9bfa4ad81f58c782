/**
 * The one error shape of the API: RFC 9457 `application/problem+json`.
 * Domain code throws `Problem`; `app.onError` turns it (and anything
 * unexpected) into a response. Unknown errors are logged with the request id
 * and answered with a generic 500 that says nothing of internals.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { PaymentRefused, PaymentUnavailable } from "../../src/payments/provider";
import { log, redact } from "../../src/shared/log";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) => new Problem(400, detail, extra);
export const notFound = (detail: string) => new Problem(404, detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) => new Problem(409, detail, extra);

export function problemResponse(
  status: ContentfulStatusCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, ...extra };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** What is wrong with one field of a request; `field` is a dotted path, or the part of the request itself. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** A 400 for the issues of one part of a request: one readable sentence plus the list of issues. */
export function invalidRequest(where: string, issues: FieldIssue[]): Problem {
  const detail = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
  return new Problem(400, `invalid ${where}: ${detail}`, { issues });
}

/** Turns a zod failure into one readable sentence plus the list of issues. */
export function validationProblem(error: ZodError, where: string): Problem {
  const issues = error.issues.map((issue) => {
    const field = issue.path.join(".");
    const message =
      issue.code === "unrecognized_keys" ? `unknown ${issue.keys.length > 1 ? "fields" : "field"} ${issue.keys.join(", ")}` : issue.message;
    return { field: field || where, message };
  });
  return invalidRequest(where, issues);
}

/**
 * Whether an error (or its cause: Drizzle wraps driver errors) means Postgres
 * could not be reached, as opposed to a query that Postgres refused.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^(08|57P0|53300)/.test(code)) return true;
    if (/ECONNREFUSED|WebSocket|connection terminated|timeout exceeded when trying to connect|Network connection lost|Error connecting to database|Server error \(HTTP status 5/i.test(e.message)) {
      return true;
    }
  }
  return false;
}

export function handleError(error: unknown, c: Context): Response {
  if (error instanceof Problem) return problemResponse(error.status, error.detail, error.extra, error.headers);
  // Hono's own 4xx (a malformed JSON body, say) keep their status and message.
  if (error instanceof HTTPException && error.status < 500) {
    const detail = error.status === 415 ? "send the request body as application/json" : error.message || "the request is not valid";
    return problemResponse(error.status as ContentfulStatusCode, detail);
  }
  const requestId = c.get("requestId" as never) as string | undefined;
  if (isDatabaseUnavailable(error)) {
    log("error", "database_unavailable", { requestId, path: c.req.path, message: redact((error as Error).message) });
    return problemResponse(503, "the database is unavailable, try again shortly", { requestId }, { "retry-after": "5" });
  }
  if (error instanceof PaymentRefused) {
    log("warn", "payment_refused", { requestId, path: c.req.path, message: redact(error.message) });
    return problemResponse(422, `the payment provider refused this payment: ${redact(error.message)}`, { requestId });
  }
  if (error instanceof PaymentUnavailable) {
    log("error", "payments_unavailable", { requestId, path: c.req.path, message: redact(error.message) });
    return problemResponse(503, "the payment provider is unavailable, try again shortly", { requestId }, { "retry-after": "5" });
  }
  // A Durable Object that restarted or is overloaded says so; the request can be tried again.
  if (error instanceof Error && ((error as { retryable?: unknown }).retryable === true || (error as { overloaded?: unknown }).overloaded === true)) {
    log("warn", "room_unavailable", { requestId, path: c.req.path, message: redact(error.message) });
    return problemResponse(503, "the event's room is restarting, try again shortly", { requestId }, { "retry-after": "1" });
  }
  log("error", "unhandled_error", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    name: error instanceof Error ? error.name : typeof error,
    message: redact(error instanceof Error ? error.message : String(error)),
    cause: error instanceof Error && error.cause ? redact(String(error.cause)) : undefined,
    stack: error instanceof Error && error.stack ? redact(error.stack) : undefined,
  });
  return problemResponse(500, "something went wrong on our side; it has been logged", { requestId });
}

/** OpenAPI entries for the problem responses a route can give. */
export function problemResponses(...statuses: ContentfulStatusCode[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: TITLES[status] ?? "Error", content: { "application/problem+json": { schema: ProblemSchema } } },
    ]),
  );
}
