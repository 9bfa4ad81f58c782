/**
 * Hostile requests generated from the OpenAPI document: for one operation, a
 * fast-check arbitrary of whole requests (path, query, headers, auth, body)
 * built from its schemas. Values mix valid ones (the suite's fixtures for ids)
 * with hostile ones: wrong types, NUL, unpaired surrogates, 100,000-character
 * strings, huge, negative and fractional numbers, unicode edge cases,
 * malformed percent-encodings, repeated keys, wrong content types, empty and
 * missing bodies.
 *
 * Every body is invalid by construction: at least one place in it breaks its
 * schema or the API's rules on text (workers/api/hostile-input.ts), or it is
 * not a JSON object at all. So no request of the battery is a valid write,
 * and "nothing is written" is a property that must hold. Valid free text
 * carries the battery's mark, so a row written by mistake can be found.
 */
import fc from "fast-check";
import { Entries, hostileText, HostileValues, jsonText, Literal, nulText, NUMBERISH, refusedText, type Fixtures, type JsonSchema } from "./hostile-values";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema, when the operation takes one. */
  body: JsonSchema | undefined;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content?.["application/json"]?.schema,
    })),
  );
}

const MALFORMED_PERCENT = ["%E0%A4%A", "%", "%zz", "%C0%80", "%ED%A0%80", "%FF", "%F4%90%80%80", "%00", "%25%30%30", "%2F..%2F"].map((t) => new Literal(t));
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A hostile value in a URL: NUL above all (decoded, it reached Postgres), a
 * malformed percent-encoding, or any hostile text (an unpaired surrogate is
 * sent as the bytes a careless encoder writes).
 */
const urlHostile: fc.Arbitrary<string | Literal> = fc.oneof(
  { arbitrary: nulText, weight: 2 },
  { arbitrary: fc.constantFrom(...MALFORMED_PERCENT), weight: 1 },
  { arbitrary: hostileText, weight: 2 },
);

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
/** Header values are bytes: hostile ones stay printable ASCII (the runtime itself refuses NUL and newlines). */
const hostileHeader = fc.oneof(printable, fc.constantFrom("", "x".repeat(100_000), "Bearer", "t=1,v1=00", "%00", "\\u0000", "null", "1e309"));

/** Percent-encodes text, writing an unpaired surrogate as the three bytes a careless encoder would (WTF-8). */
function encodeComponent(text: string): string {
  if (!LONE_SURROGATE.test(text)) return encodeURIComponent(text);
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    out += code >= 0xd800 && code <= 0xdfff ? bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join("") : encodeURIComponent(char);
  }
  return out;
}

const urlText = (part: string | Literal) => (part instanceof Literal ? part.text : encodeComponent(part));

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/merge-patch+json",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "application/jsonx",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "*/*",
];
/** Not JSON, or JSON that is not an object: every body schema of the API is an object. */
const NOT_AN_OBJECT = ["", "{", "[1,]", "nul", '{"a":1}x', "null", "[]", "1e309", '"\\ud800"', "true", "0", "{}{}"];

export type AuthKind = "organizer" | "fan" | "none" | "garbage" | "expired" | "hostile subject";

export interface HostileRequest {
  method: string;
  /** Path and query, from `/api`. */
  url: string;
  headers: [string, string][];
  auth: AuthKind;
  /** The body as sent; null sends none. Never a valid body for its operation. */
  body: string | null;
  /** null sends a body without a content type. */
  contentType: string | null;
}

/** A part of a request: a path parameter, a query pair, a header, the auth or the body. */
interface Part {
  path?: [string, string];
  query?: string;
  header?: [string, string];
  auth?: AuthKind;
  body?: Pick<HostileRequest, "body" | "contentType">;
}

interface Slot {
  place: string;
  valid: fc.Arbitrary<Part>;
  hostile: fc.Arbitrary<Part>;
}

/** One line that says what was sent, cut short, for a failure message. */
export function describeRequest(request: HostileRequest): string {
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  const headers = request.headers.map(([name, value]) => `${name}: ${cut(value)}`).join(", ");
  return `${request.method} ${cut(request.url)} auth=${request.auth} [${headers}] content-type=${request.contentType} body=${request.body === null ? "none" : JSON.stringify(cut(request.body))}`;
}

/** Hostile requests to the operations of one OpenAPI document. */
export class HostileRequests {
  private readonly values: HostileValues;

  constructor(doc: OpenApiDocument, fixtures: Fixtures) {
    this.values = new HostileValues(doc.components?.schemas ?? {}, fixtures);
  }

  /**
   * Requests to one operation, one arbitrary per place of the request (a
   * path or query parameter, a header, the auth, the body). Each puts hostile
   * values in its place and keeps every other place valid, so that a hostile
   * value reaches as deep as it can (a request with ten bad values is refused
   * for the first); the last one is hostile everywhere at once.
   */
  of(operation: Operation): { place: string; requests: fc.Arbitrary<HostileRequest> }[] {
    const slots = this.slots(operation);
    const assemble = (parts: Part[]) => {
      let path = operation.path;
      const query: string[] = [];
      const request: HostileRequest = { method: operation.method, url: "", headers: [], auth: "organizer", body: null, contentType: null };
      for (const part of parts) {
        if (part.path) path = path.replace(`{${part.path[0]}}`, part.path[1]);
        if (part.query) query.push(part.query);
        if (part.header) request.headers.push(part.header);
        if (part.auth) request.auth = part.auth;
        if (part.body) Object.assign(request, part.body);
      }
      request.url = `/api${path}${query.length > 0 ? `?${query.join("&")}` : ""}`;
      return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
    };
    return [
      ...slots.map((focus) => ({
        place: focus.place,
        requests: fc.tuple(...slots.map((slot) => (slot === focus ? slot.hostile : slot.valid))).map(assemble),
      })),
      { place: "everywhere", requests: fc.tuple(...slots.map((slot) => fc.oneof(slot.valid, slot.hostile))).map(assemble) },
    ];
  }

  /** The places of a request, each with its valid and its hostile values. */
  private slots(operation: Operation): Slot[] {
    const params = (where: string) => operation.parameters.filter((p) => p.in === where);
    const text = (p: Parameter) => this.values.valid(p.schema ?? {}, p.name).map((value) => (typeof value === "string" ? value : jsonText(value)));
    const slots: Slot[] = params("path").map((p) => ({
      place: `path parameter ${p.name}`,
      valid: text(p).map((value) => ({ path: [p.name, encodeComponent(value)] })),
      hostile: fc.oneof({ arbitrary: urlHostile, weight: 4 }, { arbitrary: fc.constantFrom(".", "..", ""), weight: 1 }).map((value) => ({ path: [p.name, urlText(value)] })),
    }));
    for (const p of params("query")) {
      const pair = (value: string | Literal) => `${encodeComponent(p.name)}=${urlText(value)}`;
      const valid = text(p).map((value) => ({ query: pair(value) }));
      slots.push({
        place: `query parameter ${p.name}`,
        // Absent when optional: a value the schema allows can still break a rule between parameters (lat needs lng).
        valid: p.required ? valid : fc.constant({}),
        hostile: fc.oneof(
          { arbitrary: urlHostile.map((value) => ({ query: pair(value) })), weight: 4 },
          // Allowed, but edge cases: right-to-left marks, emoji, noncharacters.
          { arbitrary: valid, weight: 1 },
          { arbitrary: fc.constantFrom(...NUMBERISH).map((value) => ({ query: pair(value) })), weight: 1 },
          // The parameter given twice.
          { arbitrary: fc.tuple(text(p), text(p)).map(([a, b]) => ({ query: `${pair(a)}&${pair(b)}` })), weight: 1 },
        ),
      });
    }
    slots.push({
      place: "an undeclared query parameter",
      valid: fc.constant({}),
      hostile: fc.tuple(urlHostile, urlHostile).map(([name, value]) => ({ query: `${urlText(name)}=${urlText(value)}` })),
    });
    // The declared headers, and the ones routes read without declaring them.
    for (const name of [...params("header").map((p) => p.name), "last-event-id", "cf-connecting-ip", "x-queue-ticket"]) {
      const declared = params("header").find((p) => p.name === name);
      const valid = declared ? text(declared).map((value) => value.replace(/[^\x20-\x7e]/g, "")) : fc.constant(undefined);
      slots.push({
        place: `header ${name}`,
        valid: valid.map((value) => (value ? { header: [name, value] } : {})),
        hostile: hostileHeader.map((value) => ({ header: [name, value] })),
      });
    }
    slots.push({
      place: "authorization",
      valid: fc.constantFrom<AuthKind>("organizer", "organizer", "fan").map((auth) => ({ auth })),
      hostile: fc.constantFrom<AuthKind>("none", "garbage", "expired", "hostile subject").map((auth) => ({ auth })),
    });
    if (operation.method !== "GET") {
      const body = this.body(operation.body).map((body) => ({ body }));
      // An operation that takes a body never gets a valid one; one that takes none gets none, or junk.
      slots.push({ place: "body", valid: operation.body ? body : fc.constant({}), hostile: body });
    }
    return slots;
  }

  /** A body that is never valid for `schema` (any body at all for an operation that takes none). */
  private body(schema: JsonSchema | undefined): fc.Arbitrary<Pick<HostileRequest, "body" | "contentType">> {
    const invalid = schema ? this.values.invalid(schema) : refusedText.map((text) => new Entries([["note", text]]));
    const text = fc.oneof(
      { arbitrary: invalid.map(jsonText), weight: 8 },
      { arbitrary: fc.constantFrom(...NOT_AN_OBJECT), weight: 2 },
      { arbitrary: invalid.map((value) => `\ufeff${jsonText(value)}`), weight: 1 },
      { arbitrary: fc.constant(null), weight: 1 },
    );
    const contentType = fc.oneof({ arbitrary: fc.constant("application/json"), weight: 5 }, { arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES, null), weight: 3 });
    return fc.record({ body: text, contentType });
  }
}
