/**
 * Values from JSON Schemas (as the OpenAPI document states them), for the
 * hostile-input battery: values a schema allows (ids from the suite's
 * fixtures, free text with unicode edge cases that carries the battery's
 * mark) and values it refuses (wrong types, bounds broken by one, 100,000
 * characters, 1e309 and 2^53+1 written as literals, a key given twice,
 * NUL and unpaired surrogates). JSON is modelled with literal numbers and
 * ordered entries, because JSON.stringify can write neither `1e309` nor a
 * repeated key.
 */
import fc from "fast-check";

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

/** A number or URL text sent exactly as written (`1e309`, `%E0%A4%A`). */
export class Literal {
  constructor(readonly text: string) {}
}

/** A JSON object as a list of entries, so that a key can be given twice. */
export class Entries {
  constructor(readonly entries: readonly (readonly [string, Json])[]) {}
}

export type Json = null | boolean | number | string | Literal | Entries | Json[];

export function jsonText(value: Json): string {
  if (value instanceof Literal) return value.text;
  if (value instanceof Entries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(",")}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  return JSON.stringify(value);
}

const OVERLONG = ["x".repeat(100_000), "é".repeat(100_000), "🎫".repeat(50_000)];
/** Text a fan could type: right-to-left marks, emoji, combining marks, noncharacters, other digits, markup. */
const EDGE_TEXT = ["\u202e", "\u200f\u05d0", "\u061c", "🎫", "👩‍👩‍👧", "e\u0301\u0301", "\uffff", "\ufeff", "\u200b", "\u2028", "١٢٣", "１２", "𝔘", "'; drop table events; --", "<script>", "%00", "../", "${x}", " ", "\t"];
export const NUMBERISH = ["1e309", "-1e309", "9007199254740993", "0.5", "-1", "-0", "NaN", "Infinity", "0x10", " 1 ", "１", "1,2", ""];
export const nulText = fc.oneof(fc.constant("\u0000"), fc.string().map((s) => `${s}\u0000${s}`));

/** Text that the API must refuse wherever it appears: it holds a NUL or an unpaired surrogate. */
export const refusedText: fc.Arbitrary<string> = fc.oneof(
  nulText,
  fc.constantFrom("\ud800", "\udfff", "a\udc00b", "\udbff\ud800"),
  fc.string().map((s) => `${s}\ud83c`),
);

/** Mostly refused text, the API's own rule; then what zod must refuse or take in its stride. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: refusedText, weight: 4 },
  { arbitrary: fc.constantFrom(...OVERLONG), weight: 1 },
  { arbitrary: fc.constantFrom(...EDGE_TEXT, ...NUMBERISH), weight: 2 },
  { arbitrary: fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), weight: 1 },
);

export interface Fixtures {
  /** Carried by every valid free-text value. */
  mark: string;
  /** Values for strings of this pattern and name (the suite's event, its tickets), or undefined for random matches. */
  idsFor(pattern: string, name: string): fc.Arbitrary<string> | undefined;
}

/** Arbitraries of the values the schemas of one OpenAPI document allow and refuse. */
export class HostileValues {
  constructor(
    private readonly schemas: Record<string, JsonSchema>,
    private readonly fixtures: Fixtures,
  ) {}

  private resolve(schema: JsonSchema): JsonSchema {
    const name = schema.$ref?.replace("#/components/schemas/", "");
    return name ? (this.schemas[name] ?? {}) : schema;
  }

  /** A value `schema` allows; `name` is the property or parameter it is for. */
  valid(schema: JsonSchema, name = ""): fc.Arbitrary<Json> {
    const s = this.resolve(schema);
    const branches = s.anyOf ?? s.oneOf;
    if (branches) return fc.oneof(...branches.map((b) => this.valid(b, name)));
    if (s.enum) return fc.constantFrom(...(s.enum as Json[]));
    const types = typesOf(s);
    if (types.length === 0) return fc.constant(null);
    return fc.oneof(...types.map((type) => this.validOfType(type, s, name)));
  }

  private validOfType(type: string, s: JsonSchema, name: string): fc.Arbitrary<Json> {
    const min = s.minimum ?? -1_000;
    const max = s.maximum ?? Math.max(min, 1_000_000);
    if (type === "null") return fc.constant(null);
    if (type === "boolean") return fc.boolean();
    if (type === "integer") return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    if (type === "number") return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    if (type === "array") {
      const minLength = s.minItems ?? 0;
      return fc.array(this.valid(s.items ?? {}), { minLength, maxLength: Math.max(minLength, Math.min(s.maxItems ?? 3, 3)) });
    }
    if (type === "object") return this.validEntries(s).map((entries) => new Entries(entries));
    if (s.pattern) return this.fixtures.idsFor(s.pattern, name) ?? fc.stringMatching(new RegExp(s.pattern));
    const day = fc.date({ min: new Date("2027-01-01"), max: new Date("2030-12-31"), noInvalidDate: true });
    if (s.format === "date-time") return day.map((d) => d.toISOString());
    if (s.format === "date") return day.map((d) => d.toISOString().slice(0, 10));
    if (s.format === "uri") return fc.constantFrom("https://tickets.test/", "http://127.0.0.1:8787/");
    return fc.constantFrom(...EDGE_TEXT).map((edge) => `${this.fixtures.mark} ${edge}`.slice(0, s.maxLength));
  }

  private validEntries(s: JsonSchema): fc.Arbitrary<[string, Json][]> {
    const required = new Set(s.required ?? []);
    // Optional properties are mostly absent, so that one broken property is most often the only fault.
    const parts = Object.entries(s.properties ?? {}).map(([name, property]) => {
      const value = this.valid(property, name).map((v): [string, Json][] => [[name, v]]);
      return required.has(name) ? value : fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: value, weight: 1 });
    });
    return fc.tuple(...parts).map((lists) => lists.flat());
  }

  /**
   * A value that `schema` refuses. Under `anyOf` only refused text, repeated
   * keys and refused key names count (`contractOnly`): what breaks one branch
   * may fit another.
   */
  invalid(schema: JsonSchema, contractOnly = false): fc.Arbitrary<Json> {
    const s = this.resolve(schema);
    const branches = s.anyOf ?? s.oneOf;
    const options = contractOnly ? [] : [this.schemaBreaking(s)];
    if (branches) options.push(...branches.map((b) => this.invalid(b, true)));
    const types = branches ? [] : typesOf(s);
    if (types.includes("object")) options.push(...this.invalidObjects(s, contractOnly));
    if (types.includes("array")) options.push(...this.invalidArrays(s, contractOnly));
    return fc.oneof({ arbitrary: refusedText, weight: 2 }, ...options);
  }

  /** A value that breaks the schema itself (a wrong type, a bound), whatever the API's rules on text. */
  private schemaBreaking(schema: JsonSchema): fc.Arbitrary<Json> {
    const s = this.resolve(schema);
    const branches = s.anyOf ?? s.oneOf;
    const typed = (branches ?? [s]).map((b) => typesOf(this.resolve(b)));
    if (typed.some((types) => types.length === 0)) return refusedText;
    const types = typed.flat();
    const values = [...wrongTypes(types), ...(branches ? [] : outOfRange(s, types))];
    return values.length > 0 ? fc.constantFrom(...values) : refusedText;
  }

  private invalidObjects(s: JsonSchema, contractOnly: boolean): fc.Arbitrary<Json>[] {
    const entries = this.validEntries(s);
    const add = (extra: fc.Arbitrary<readonly [string, Json]>) => fc.tuple(entries, extra).map(([list, entry]) => new Entries([...list, entry]));
    const options = [
      // One property broken, the others valid.
      ...Object.entries(s.properties ?? {}).map(([name, property]) =>
        fc.tuple(entries, this.invalid(property, contractOnly)).map(([list, bad]) => new Entries([...list.filter(([k]) => k !== name), [name, bad]])),
      ),
      // A key given twice. The value that wins (JSON.parse keeps the last) breaks the schema as well,
      // so that the request stays invalid even for an API that let repeated keys through.
      ...Object.entries(s.properties ?? { name: {} }).map(([name, property]) =>
        fc.tuple(entries, this.valid(property), this.schemaBreaking(property)).map(([list, first, last]) => new Entries([...list.filter(([k]) => k !== name), [name, first], [name, last]])),
      ),
      // A refused key name.
      add(refusedText.map((name) => [name, 1] as const)),
    ];
    if (!contractOnly) {
      for (const name of s.required ?? []) options.push(entries.map((list) => new Entries(list.filter(([k]) => k !== name))));
      if (s.additionalProperties === false) options.push(add(fc.constantFrom("__proto__", "constructor", "extra", "").map((name) => [name, 1] as const)));
    }
    return options;
  }

  private invalidArrays(s: JsonSchema, contractOnly: boolean): fc.Arbitrary<Json>[] {
    const item = s.items ?? {};
    const valid = fc.array(this.valid(item), { maxLength: 3 });
    const options: fc.Arbitrary<Json>[] = [
      fc.tuple(valid, this.invalid(item, contractOnly), fc.nat()).map(([list, bad, at]) => [...list.slice(0, at % (list.length + 1)), bad, ...list.slice(at % (list.length + 1))]),
    ];
    if (!contractOnly && s.maxItems !== undefined && s.maxItems <= 1_000) {
      const limit = s.maxItems;
      options.push(this.valid(item).map((one) => Array.from({ length: limit + 1 }, () => one)));
    }
    if (!contractOnly && (s.minItems ?? 0) > 0) options.push(fc.constant([]));
    return options;
  }
}

function typesOf(s: JsonSchema): string[] {
  if (s.type !== undefined) return [s.type].flat();
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? "null" : typeof v)))];
  return [];
}

const SAMPLE_OF_TYPE: [string, Json][] = [
  ["null", null],
  ["boolean", true],
  ["string", "1"],
  ["integer", 1],
  ["number", 0.5],
  ["array", []],
  ["object", new Entries([])],
];

/** One value of each JSON type that `types` does not allow. */
function wrongTypes(types: string[]): Json[] {
  const allowed = new Set(types);
  if (allowed.has("number")) allowed.add("integer");
  return SAMPLE_OF_TYPE.filter(([type]) => !allowed.has(type)).map(([, value]) => value);
}

/** Values of the right type that break a bound of the schema: lengths, enums, patterns, formats, ranges. */
function outOfRange(s: JsonSchema, types: string[]): Json[] {
  const out: Json[] = [];
  if (types.includes("string")) {
    if (s.maxLength !== undefined) out.push("x".repeat(s.maxLength + 1), ...OVERLONG);
    if ((s.minLength ?? 0) > 0) out.push("");
    if (s.enum) out.push(`not ${String(s.enum[0])}`);
    // No pattern of the API allows a space (a leading one would be trimmed away).
    if (s.pattern) out.push("x x");
    if (s.format === "date-time" || s.format === "date") out.push("2027-02-30T25:61:00Z", "tomorrow");
    if (s.format === "uri") out.push("not a uri");
  }
  if (types.includes("integer") || types.includes("number")) {
    if (s.maximum !== undefined) out.push(new Literal(String(s.maximum + 1)));
    if (s.minimum !== undefined) out.push(new Literal(String(s.minimum - 1)));
    out.push(new Literal("1e309"), new Literal("-1e309"));
    if (!types.includes("number")) out.push(new Literal(String((s.minimum ?? 0) + 0.5)), new Literal("9007199254740993"));
  }
  return out;
}
