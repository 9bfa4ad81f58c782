/**
 * Hostile text, refused at the door with a 400 before any route runs.
 *
 * Postgres text cannot hold NUL (U+0000), and UTF-8 cannot encode an
 * unpaired UTF-16 surrogate. zod's string checks are about length and shape,
 * so such a value used to pass validation and fail in the driver or the
 * database as a 500 (a search term, a section, a performer's name), or be
 * stored silently changed. This middleware, mounted on the API before the
 * routes, checks every place a route reads text from: the path, each query
 * name and value, each header value, and every string of a JSON body, keys
 * included. It also refuses what cannot be read one way only: a
 * percent-encoding that is not UTF-8 (Hono would keep it as literal text),
 * and a JSON object that names a key twice (parsers disagree on which one
 * wins, so a proxy and this API could see two different requests).
 *
 * The body is read as text through Hono's body cache, so the validators
 * parse that same text afterwards; nothing is read twice from the stream or
 * re-serialized. Stripe's signed webhook body is the one left to its route.
 * Types, ranges and lengths stay with each route's zod schema.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { badRequest, invalidRequest, type FieldIssue } from "./problem";

/** With the `u` flag, `\p{Cs}` matches only a surrogate that is not half of a pair. */
const NUL_OR_LONE_SURROGATE = /\0|\p{Cs}/u;
/** JSON as Hono's validator recognizes it, so every body a route parses as JSON is checked here first. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
/**
 * Bodies left to their route: Stripe's webhook. Its body is signed, so it
 * comes from Stripe and not from a fan, and a 4xx would make Stripe retry a
 * genuine event for days; routes/webhooks.ts checks an event's shape itself
 * and answers 200 ignored for a payment it does not know.
 */
const SIGNED_BODIES = new Set(["/api/webhooks/stripe"]);

export const hostileInput = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  const path = pathIssue(url.pathname);
  if (path) throw invalidRequest("path", [path]);
  const query = queryIssues(url.search);
  if (query.length > 0) throw invalidRequest("query parameters", query);
  // The runtime already refuses NUL in a header and a header value is bytes, not UTF-16; checked all the same.
  const headers: FieldIssue[] = [];
  c.req.raw.headers.forEach((value, name) => {
    const message = textProblem(value);
    if (message) headers.push({ field: name, message });
  });
  if (headers.length > 0) throw invalidRequest("headers", headers);
  const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (c.req.raw.body !== null && JSON_MEDIA_TYPE.test(mediaType) && !SIGNED_BODIES.has(c.req.path)) {
    const text = await c.req.text();
    // An empty body is left to the route: a required one is refused by its validator.
    if (text.trim() !== "") {
      try {
        JSON.parse(text);
      } catch {
        throw badRequest("the request body is not valid JSON");
      }
      const issue = jsonIssue(text);
      if (issue) throw invalidRequest("request body", [issue]);
    }
  }
  await next();
});

function textProblem(value: string): string | undefined {
  if (!NUL_OR_LONE_SURROGATE.test(value)) return undefined;
  return value.includes("\0") ? "must not contain NUL (U+0000)" : "must not contain an unpaired UTF-16 surrogate";
}

/** Decodes one percent-encoded component, or undefined when it is not UTF-8. */
function decoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

const NOT_UTF8 = "is not valid percent-encoded UTF-8";

function pathIssue(pathname: string): FieldIssue | undefined {
  for (const segment of pathname.split("/")) {
    const text = decoded(segment);
    const message = text === undefined ? NOT_UTF8 : textProblem(text);
    if (message) return { field: "path", message };
  }
  return undefined;
}

function queryIssues(search: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const pair of search.slice(1).split("&")) {
    if (pair === "") continue;
    const [rawName = "", ...rest] = pair.replaceAll("+", " ").split("=");
    const name = decoded(rawName);
    const value = decoded(rest.join("="));
    const field = name ?? rawName;
    const message = name === undefined || value === undefined ? NOT_UTF8 : (textProblem(name) ?? textProblem(value));
    if (message) issues.push({ field, message });
  }
  return issues;
}

type Frame = { kind: "object"; keys: Set<string>; key: string } | { kind: "array"; index: number };

/** Character codes of JSON's structure: `"` `\\` `{` `}` `[` `]` `,`. */
const CHAR = { quote: 0x22, backslash: 0x5c, openObject: 0x7b, closeObject: 0x7d, openArray: 0x5b, closeArray: 0x5d, comma: 0x2c } as const;

/**
 * The first NUL, unpaired surrogate or repeated key in a JSON text that
 * JSON.parse has accepted, with its dotted path. One pass over the text,
 * because a parsed object has already lost its repeated keys.
 */
function jsonIssue(text: string): FieldIssue | undefined {
  const frames: Frame[] = [];
  let expectingKey = false;
  const field = () => frames.map((f) => (f.kind === "object" ? f.key : String(f.index))).join(".") || "request body";
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === CHAR.quote) {
      let end = i + 1;
      while (text.charCodeAt(end) !== CHAR.quote) end += text.charCodeAt(end) === CHAR.backslash ? 2 : 1;
      const raw = text.slice(i + 1, end);
      const value = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
      i = end;
      const top = frames.at(-1);
      if (top?.kind === "object" && expectingKey) {
        expectingKey = false;
        top.key = value;
        if (top.keys.has(value)) return { field: field(), message: "is given twice" };
        top.keys.add(value);
        const message = textProblem(value);
        if (message) return { field: field(), message: `(the name) ${message}` };
      } else {
        const message = textProblem(value);
        if (message) return { field: field(), message };
      }
    } else if (char === CHAR.openObject) {
      frames.push({ kind: "object", keys: new Set(), key: "" });
      expectingKey = true;
    } else if (char === CHAR.openArray) {
      frames.push({ kind: "array", index: 0 });
    } else if (char === CHAR.closeObject || char === CHAR.closeArray) {
      frames.pop();
    } else if (char === CHAR.comma) {
      const top = frames.at(-1);
      if (top?.kind === "array") top.index++;
      else expectingKey = true;
    }
  }
  return undefined;
}
