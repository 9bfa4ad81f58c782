import { beforeAll, describe, expect, it } from "vitest";
import { call, makeEvent, makePerformer, makeVenue, organizerToken, problem, search, word } from "../helpers";

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

describe("relevance", () => {
  it("ranks an event named by the term above one that only mentions it in its description", async () => {
    const term = word();
    const mention = await makeEvent(token, { name: `Evening ${word(6)}`, description: `with a guest set by ${term}` });
    const named = await makeEvent(token, { name: `${term} in concert` });
    const { results } = await search({ term });
    expect(results.map((r) => r.id)).toEqual([named.id, mention.id]);
  });

  it("finds events by performer, venue and city", async () => {
    const [performerWord, venueWord] = [word(), word()];
    const performerId = await makePerformer(token, `The ${performerWord} Quartet`);
    const venueId = await makeVenue(token, { name: `${venueWord} Hall`, city: "Lyon", lat: 45.764, lng: 4.8357, timezone: "Europe/Paris" });
    const event = await makeEvent(token, { performerId, venueId });
    expect((await search({ term: performerWord })).results.map((r) => r.id)).toEqual([event.id]);
    expect((await search({ term: venueWord })).results.map((r) => r.id)).toEqual([event.id]);
    const inLyon = await search({ term: `${venueWord} lyon` });
    expect(inLyon.results.map((r) => r.id)).toEqual([event.id]);
    expect(inLyon.results[0]?.venue).toMatchObject({ id: venueId, city: "Lyon", lat: 45.764, lng: 4.8357 });
    expect(inLyon.results[0]?.performer).toEqual({ id: performerId, name: `The ${performerWord} Quartet` });
  });

  it("understands websearch syntax: quoted phrases and exclusions", async () => {
    const [a, b] = [word(), word()];
    const together = await makeEvent(token, { name: `${a} ${b} night` });
    const apart = await makeEvent(token, { name: `${b} meets ${a}` });
    expect((await search({ term: `"${a} ${b}"` })).results.map((r) => r.id)).toEqual([together.id]);
    expect((await search({ term: `${a} -night` })).results.map((r) => r.id)).toEqual([apart.id]);
  });

  it("matches english word forms (stemming)", async () => {
    const marker = word();
    const event = await makeEvent(token, { name: `${marker} dancing championships` });
    expect((await search({ term: `${marker} championship dance` })).results.map((r) => r.id)).toEqual([event.id]);
  });

  it("tolerates a typo in the term", async () => {
    const performer = `Zephyrine ${word(6)}`;
    const event = await makeEvent(token, { performerId: await makePerformer(token, performer) });
    const typo = performer.replace("Zephyrine", "Zephyrene");
    expect((await search({ term: typo })).results.map((r) => r.id)).toContain(event.id);
  });

  it("returns the fields a result card needs", async () => {
    const name = `${word()} gala`;
    const event = await makeEvent(token, { name, type: "theater" });
    const [result] = (await search({ term: name })).results;
    expect(result).toMatchObject({
      id: event.id,
      name,
      type: "theater",
      startsAt: "2027-06-01T19:30:00.000Z",
      minPriceCents: 3000,
      available: 13,
    });
  });
});

describe("filters", () => {
  it("filters by one type or a list of types", async () => {
    const marker = word();
    const concert = await makeEvent(token, { name: `${marker} one`, type: "concert" });
    const comedy = await makeEvent(token, { name: `${marker} two`, type: "comedy" });
    const sports = await makeEvent(token, { name: `${marker} three`, type: "sports" });
    expect((await search({ term: marker, type: "comedy" })).results.map((r) => r.id)).toEqual([comedy.id]);
    const ids = (await search({ term: marker, type: "concert,sports" })).results.map((r) => r.id);
    expect(ids.sort()).toEqual([concert.id, sports.id].sort());
  });

  it("filters by city name, ignoring case", async () => {
    const marker = word();
    const inOslo = await makeEvent(token, { name: `${marker} a`, venue: { city: "Oslo", lat: 59.91, lng: 10.75, timezone: "Europe/Oslo" } });
    await makeEvent(token, { name: `${marker} b`, venue: { city: "Bergen", lat: 60.39, lng: 5.32, timezone: "Europe/Oslo" } });
    expect((await search({ term: marker, location: "oslo" })).results.map((r) => r.id)).toEqual([inOslo.id]);
  });

  it("filters by distance from a point", async () => {
    const marker = word();
    const london = await makeEvent(token, { name: `${marker} south`, venue: { lat: 51.5074, lng: -0.1278 } });
    const manchester = await makeEvent(token, { name: `${marker} north`, venue: { city: "Manchester", lat: 53.4808, lng: -2.2426 } });
    const near = await search({ term: marker, lat: 51.5, lng: -0.12, radiusKm: 50 });
    expect(near.results.map((r) => r.id)).toEqual([london.id]);
    const wide = await search({ term: marker, lat: 51.5, lng: -0.12, radiusKm: 300 });
    expect(wide.results.map((r) => r.id).sort()).toEqual([london.id, manchester.id].sort());
  });

  it("reads a single date in the venue's own time zone", async () => {
    const marker = word();
    const auckland = { city: "Auckland", lat: -36.85, lng: 174.76, timezone: "Pacific/Auckland" };
    // 2027-03-01T10:00Z is 23:00 on 1 March in Auckland; 12:00Z is already 2 March there.
    const late = await makeEvent(token, { name: `${marker} late`, startsAt: "2027-03-01T10:00:00Z", venue: auckland });
    const next = await makeEvent(token, { name: `${marker} next`, startsAt: "2027-03-01T12:00:00Z", venue: auckland });
    expect((await search({ term: marker, date: "2027-03-01" })).results.map((r) => r.id)).toEqual([late.id]);
    expect((await search({ term: marker, date: "2027-03-02" })).results.map((r) => r.id)).toEqual([next.id]);
  });

  it("filters by a date range, both ends inclusive", async () => {
    const marker = word();
    const may = await makeEvent(token, { name: `${marker} may`, startsAt: "2027-05-31T18:00:00Z" });
    const june = await makeEvent(token, { name: `${marker} june`, startsAt: "2027-06-15T18:00:00Z" });
    const july = await makeEvent(token, { name: `${marker} july`, startsAt: "2027-07-01T18:00:00Z" });
    expect((await search({ term: marker, from: "2027-06-01", to: "2027-06-30" })).results.map((r) => r.id)).toEqual([june.id]);
    const ids = (await search({ term: marker, from: "2027-05-31", to: "2027-07-01" })).results.map((r) => r.id);
    expect(ids.sort()).toEqual([may.id, june.id, july.id].sort());
    expect((await search({ term: marker, from: "2027-06-15T18:00:01Z" })).results.map((r) => r.id)).toEqual([july.id]);
  });

  it("leaves past events out unless a date range asks for them", async () => {
    const marker = word();
    const past = await makeEvent(token, { name: `${marker} reunion`, startsAt: "2025-02-01T20:00:00Z" });
    expect((await search({ term: marker })).results).toEqual([]);
    expect((await search({ term: marker, from: "2025-01-01" })).results.map((r) => r.id)).toEqual([past.id]);
  });
});

describe("listing and pagination", () => {
  it("with no parameters lists upcoming events in date order", async () => {
    await makeEvent(token, { startsAt: "2026-12-24T20:00:00Z" });
    const { results } = await search({});
    expect(results.length).toBeGreaterThan(0);
    const times = results.map((r) => Date.parse(r.startsAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((t) => t >= Date.now() - 60_000)).toBe(true);
  });

  it("pages through a ranked search without gaps or repeats", async () => {
    const marker = word();
    const created = [];
    for (let i = 0; i < 7; i++) {
      created.push((await makeEvent(token, { name: i % 2 ? `${marker} ${marker} fest` : `${marker} night`, startsAt: `2027-0${1 + (i % 5)}-1${i}T19:00:00Z` })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ term: marker, limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.results.length).toBeLessThanOrEqual(3);
      seen.push(...page.results.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created));
    const whole = (await search({ term: marker, limit: 50 })).results.map((r) => r.id);
    expect(seen).toEqual(whole);
  });

  it("pages through the date listing with a cursor", async () => {
    const marker = word();
    for (let i = 0; i < 5; i++) await makeEvent(token, { name: `${marker} ${i}`, type: "family", startsAt: "2027-09-09T10:00:00Z" });
    const first = await search({ term: marker, limit: 2 });
    const second = await search({ term: marker, limit: 2, cursor: first.nextCursor ?? "" });
    expect(first.results).toHaveLength(2);
    expect(second.results).toHaveLength(2);
    expect(second.results.map((r) => r.id)).not.toContain(first.results[0]?.id);
  });
});

describe("bad input", () => {
  const cases: [string, string][] = [
    ["an unknown parameter", "colour=red"],
    ["a latitude out of range", "lat=91&lng=0"],
    ["a latitude without a longitude", "lat=51"],
    ["a radius without a point", "radiusKm=10"],
    ["a date that is not a date", "date=2027-13-45"],
    ["date together with from", "date=2027-01-01&from=2027-01-01"],
    ["an unknown type", "type=opera"],
    ["a limit of zero", "limit=0"],
    ["a limit too large", "limit=1000"],
    ["a cursor that was never issued", "cursor=bm90LWEtY3Vyc29y"],
    ["a number that is not one", "lat=abc&lng=1"],
  ];
  it.each(cases)("answers 400 problem+json for %s", async (_name, query) => {
    const body = await problem(await call("GET", `/api/search?${query}`), 400);
    expect(body.title).toBe("Bad Request");
  });

  it("names the offending parameter in the detail", async () => {
    const body = await problem(await call("GET", "/api/search?colour=red"), 400);
    expect(body.detail).toContain("colour");
  });

  it("treats terms made only of punctuation or stop words as no match, not an error", async () => {
    const res = await call("GET", `/api/search?term=${encodeURIComponent('"&|!:*()')}`);
    expect(res.status).toBe(200);
    const res2 = await call("GET", "/api/search?term=the");
    expect(res2.status).toBe(200);
  });
});
