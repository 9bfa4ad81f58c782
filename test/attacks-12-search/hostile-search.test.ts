/**
 * A hostile review of issue #12's search (bounded ranking windows, window
 * cursors, typo correction): an abuser sending inputs meant to crash or slow
 * one search, and tampered cursors. The promise: every answer is a normal
 * page or a clear 4xx in application/problem+json, never a 5xx.
 *
 * Costs (statements, time) of the worst inputs are measured against the
 * million-event catalog, not here: these run on the small test catalog and
 * check answers only.
 */
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../workers/api/catalog/cursor";
import { call, makeEvent, makePerformer, organizerToken, search, word } from "../helpers";

const searchResponse = (params: Record<string, string | number>) =>
  call("GET", `/api/search?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);

/** A normal page or a problem+json 4xx; the status, for finer checks. */
async function answered(params: Record<string, string | number>): Promise<number> {
  const res = await searchResponse(params);
  const body = await res.text();
  expect(res.status, `${JSON.stringify(params)} → ${res.status} ${body.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  return res.status;
}

const decode = (cursor: string): Record<string, unknown> =>
  JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))) as Record<string, unknown>;

/** A term with more than one page, its first page's cursor decoded. */
async function realTermCursor(): Promise<{ term: string; fields: Record<string, unknown> }> {
  const token = await organizerToken();
  const term = word();
  const performerId = await makePerformer(token, `${term} Players`);
  for (let i = 0; i < 3; i++) await makeEvent(token, { performerId, startsAt: `2029-04-0${1 + i}T20:00:00Z` });
  const page = await search({ term, limit: 1 });
  expect(page.nextCursor).not.toBeNull();
  return { term, fields: decode(page.nextCursor ?? "") };
}

describe("tampered cursors are refused with a 400, never a 500", () => {
  it("a cursor whose time is year 0 (which JavaScript reads and Postgres refuses)", async () => {
    const { term, fields } = await realTermCursor();
    expect(await answered({ term, cursor: encodeCursor({ ...fields, s: "0000-01-01T00:00:00.000Z" }) })).toBe(400);
    expect(await answered({ cursor: encodeCursor({ s: "0000-06-01T00:00:00.000000Z", i: "ev_x" }) })).toBe(400);
  });

  it("a window start of year 0", async () => {
    const { term, fields } = await realTermCursor();
    expect(await answered({ term, cursor: encodeCursor({ ...fields, w: ["0000-01-01T00:00:00.000Z", "ev_x"] }) })).toBe(400);
  });

  it("an id carrying NUL, which Postgres text cannot hold", async () => {
    const { term, fields } = await realTermCursor();
    expect(await answered({ term, cursor: encodeCursor({ ...fields, i: "ev_\u0000" }) })).toBe(400);
    expect(await answered({ term, cursor: encodeCursor({ ...fields, w: ["2029-04-01T00:00:00.000Z", "\u0000"] }) })).toBe(400);
    expect(await answered({ cursor: encodeCursor({ s: "2029-04-01T00:00:00.000Z", i: "a\u0000b" }) })).toBe(400);
  });

  it("every field of a real cursor, tampered one at a time", async () => {
    const { term, fields } = await realTermCursor();
    const tampered: Record<string, unknown>[] = [
      { r: "0.1" },
      { r: null },
      { r: 1e308 },
      { r: -1e308 },
      { r: 5e-324 },
      { r: -0 },
      { s: 20290401 },
      { s: "2029-04-01" },
      { s: "2029-02-30T00:00:00.000Z" },
      { s: "9999-12-31T23:59:59.999999Z" },
      { s: "0001-01-01T00:00:00.000Z" },
      { i: "" },
      { i: "x".repeat(101) },
      { i: 42 },
      { i: "'; drop table events; --" },
      { w: "2029-04-01T00:00:00.000Z" },
      { w: ["2029-04-01T00:00:00.000Z"] },
      { w: ["2029-04-01T00:00:00.000Z", "a", "b"] },
      { w: [null, null] },
      { w: ["9999-12-31T23:59:59.999Z", "zzz"] },
      { w: ["0001-01-01T00:00:00.000Z", ""] },
      { f: 2 },
      { f: true },
      { f: 1 },
      { extra: { nested: [1, 2, 3] } },
    ];
    for (const change of tampered) {
      const status = await answered({ term, cursor: encodeCursor({ ...fields, ...change }) });
      expect([200, 400]).toContain(status);
    }
  });

  it("a cursor of one kind of search used on another, or of another term", async () => {
    const { term, fields } = await realTermCursor();
    const other = await realTermCursor();
    expect(await answered({ cursor: encodeCursor(fields) })).toBe(400);
    expect(await answered({ term, cursor: encodeCursor({ s: fields.s, i: fields.i }) })).toBe(400);
    expect(await answered({ term, cursor: encodeCursor(other.fields) })).toBe(200);
    expect(await answered({ term, cursor: encodeCursor(fields), type: "comedy", location: "Nowhere" })).toBe(200);
  });

  it("cursors that are not cursors", async () => {
    for (const cursor of ["!!!", "e30", btoa("[1,2]"), btoa("null"), btoa("not json"), "A".repeat(500), btoa('{"s":"\\ud800","i":"x"}')]) {
      expect(await answered({ term: "live", cursor })).toBe(400);
      expect(await answered({ cursor })).toBe(400);
    }
  });

  it("a window start past every event answers an empty last page, one far in the past a normal page", async () => {
    const { term, fields } = await realTermCursor();
    const late = await search({ term, cursor: encodeCursor({ ...fields, w: ["9999-12-31T23:59:59.999Z", "zzz"] }) });
    expect(late).toEqual({ results: [], nextCursor: null });
    const early = await search({ term, cursor: encodeCursor({ ...fields, r: 1e308, w: ["0001-01-01T00:00:00.000Z", "a"] }) });
    expect(early.results.length).toBeGreaterThan(0);
  });
});

describe("hostile filters", () => {
  it("dates of year 0 are refused, dates spanning centuries answered", async () => {
    expect(await answered({ from: "0000-01-01" })).toBe(400);
    expect(await answered({ to: "0000-12-31" })).toBe(400);
    expect(await answered({ date: "0000-02-29" })).toBe(400);
    expect(await answered({ from: "0000-01-01T00:00:00Z" })).toBe(400);
    expect(await answered({ from: "0001-01-01", to: "9999-12-31", term: "live" })).toBe(200);
    expect(await answered({ from: "1900-01-01T00:00:00Z", to: "2999-12-31T23:59:59Z" })).toBe(200);
  });

  it("an instant with an offset Postgres does not know (beyond ±15:59) is read as the instant it names", async () => {
    const token = await organizerToken();
    const name = word();
    const { id } = await makeEvent(token, { name, startsAt: "2029-05-02T12:00:00Z" });
    // 2029-05-02T12:00+23:00 is 2029-05-01T13:00Z: the event is after it.
    const page = await search({ term: name, from: "2029-05-02T12:00:00+23:00", to: "2029-05-02T23:00:00-23:00" });
    expect(page.results.map((r) => r.id)).toEqual([id]);
  });

  it("a city is matched as written: LIKE wildcards and SQL-looking text match no city", async () => {
    const token = await organizerToken();
    const name = word();
    await makeEvent(token, { name, venue: { city: "London" } });
    expect((await search({ term: name, location: "london" })).results).toHaveLength(1);
    for (const location of ["%", "_", "Lond_n", "Lon%", "\\", "London' or '1'='1"]) {
      expect((await search({ term: name, location })).results, location).toEqual([]);
    }
  });

  it("limit and radius at and beyond their bounds", async () => {
    for (const limit of [0, -1, 101, 1.5, "NaN", "Infinity"]) expect(await answered({ limit })).toBe(400);
    for (const limit of [1, 100]) expect(await answered({ term: "live", limit })).toBe(200);
    for (const [lat, lng] of [[90, 0], [-90, 180], [0, -180], [0, 180], [89.9999, 179.9999], [51.5, -0.12]] as const) {
      expect(await answered({ lat, lng, radiusKm: 2000, term: "live" })).toBe(200);
      expect(await answered({ lat, lng, radiusKm: 0.1 })).toBe(200);
    }
    expect(await answered({ lat: 0, lng: 0, radiusKm: 2001 })).toBe(400);
    expect(await answered({ lat: 0, lng: 0, radiusKm: 0 })).toBe(400);
  });
});

describe("hostile terms", () => {
  it("long, repetitive, many-typo, unicode and operator-laden terms answer normally", async () => {
    const terms = [
      "a".repeat(200),
      "zq".repeat(100),
      "livee nigth sesion auroa tokoy londn pariss berln madridd romee osloo viena pragu dublinn lisbn athns xyzzy",
      Array.from({ length: 40 }, () => word(4)).join(" ").slice(0, 200),
      "\"unterminated phrase",
      "-",
      "- - - or or or \" \"",
      "live -live",
      "or",
      "\"auora\" -tokoy or sesion",
      "!(live & night) | <-> :* \\ ' ; --",
      "%_%_\\%\\_",
      "'; drop table events; --",
      "东京 ライブ مرحبا שלום 🎸🎸🎸 ñandú İstanbul ǅemal straße ﬁnal",
      "\u200b\u200d\u202e\ufeff",
      "ab\u0301cd e\u0308fgh",
      "١٢٣٤ ²³⁴ Ⅻ ½",
      "a".repeat(40) + " " + "b".repeat(41),
      "x".repeat(200).replace(/x/g, (_, i: number) => (i % 2 ? "x" : "-")),
    ];
    for (const term of terms) expect(await answered({ term }), term).toBe(200);
  });

  it("operators and typos mixed, with every filter and a cursor from the page before", async () => {
    const base = { term: "sesion -tokoy or \"live night\"", type: "concert,comedy", location: "London", lat: 51.5, lng: -0.12, radiusKm: 2000, from: "2020-01-01", to: "2999-01-01", limit: 1 };
    const first = await searchResponse(base);
    expect(first.status).toBe(200);
    const { nextCursor } = (await first.json()) as { nextCursor: string | null };
    if (nextCursor) expect(await answered({ ...base, cursor: nextCursor })).toBe(200);
  });
});
