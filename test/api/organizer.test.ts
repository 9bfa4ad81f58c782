import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
import { call, json, makeEvent, makePerformer, makeVenue, organizerToken, problem, search, tokenFor, word } from "../helpers";

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

const performer = { name: "The Testers" };

describe("who may write the catalog", () => {
  it("answers 401 without a token, with a Bearer challenge", async () => {
    const res = await call("POST", "/api/performers", { body: performer });
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    await problem(res, 401);
  });

  it("answers 401 for a token signed with another key", async () => {
    const forged = await new SignJWT({ roles: ["organizer"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("mallory")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("not-the-server-secret-at-all-000"));
    await problem(await call("POST", "/api/performers", { token: forged, body: performer }), 401);
  });

  it("answers 401 for an expired token", async () => {
    const expired = await new SignJWT({ roles: ["organizer"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("olivia")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    await problem(await call("POST", "/api/performers", { token: expired, body: performer }), 401);
  });

  it("answers 401 for an unsigned (alg none) token", async () => {
    const header = btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "");
    const payload = btoa(JSON.stringify({ sub: "eve", roles: ["organizer"] })).replace(/=+$/, "");
    await problem(await call("POST", "/api/performers", { token: `${header}.${payload}.`, body: performer }), 401);
  });

  it("answers 403 for a fan", async () => {
    const fan = await tokenFor("fan-1", ["fan"]);
    const body = await problem(await call("POST", "/api/performers", { token: fan, body: performer }), 403);
    expect(body.detail).toContain("organizer");
  });

  it("lets an organizer create a performer", async () => {
    const res = await call("POST", "/api/performers", { token, body: { name: "Nova", genre: "jazz", bio: "Trumpet." } });
    expect((await json<{ id: string }>(res, 201)).id).toMatch(/^pf_/);
  });
});

describe("venues", () => {
  it("numbers places across seated rows, explicit seats and general admission", async () => {
    const res = await call("POST", "/api/venues", {
      token,
      body: {
        name: "Mixed Hall",
        city: "Dublin",
        country: "IE",
        lat: 53.35,
        lng: -6.26,
        sections: [
          { name: "Box", rows: [{ name: "1", seats: [{ number: "1A", x: 5, y: 2 }, { number: "1B", x: 6, y: 2 }] }] },
          { name: "Pit", capacity: 3 },
          { name: "Circle", rows: [{ name: "A", seats: 2 }] },
        ],
      },
    });
    const { id, capacity } = await json<{ id: string; capacity: number }>(res, 201);
    expect(capacity).toBe(7);
    const event = await makeEvent(token, {
      venueId: id,
      prices: [
        { section: "Box", priceCents: 9000 },
        { section: "Pit", priceCents: 2000 },
        { section: "Circle", priceCents: 4000 },
      ],
    });
    const detail = await json<{ venue: { timezone: string; seatMap: { sections: unknown[] } } }>(await call("GET", `/api/events/${event.id}`), 200);
    // Without a time zone the venue gets the fixed offset of its longitude.
    expect(detail.venue.timezone).toBe("Etc/UTC");
    expect(detail.venue.seatMap.sections).toMatchObject([
      { kind: "seated", name: "Box", firstIndex: 0, count: 2, rows: [{ seats: ["1A", "1B"], x: [5, 6], y: [2, 2] }] },
      { kind: "ga", name: "Pit", firstIndex: 2, count: 3 },
      { kind: "seated", name: "Circle", firstIndex: 5, count: 2 },
    ]);
  });

  it("builds a venue from a template", async () => {
    const res = await call("POST", "/api/venues", {
      token,
      body: { name: "Template Hall", city: "Paris", country: "FR", lat: 48.85, lng: 2.35, timezone: "Europe/Paris", template: "theater" },
    });
    const venue = await json<{ capacity: number; sections: string[] }>(res, 201);
    expect(venue.sections).toEqual(["Orchestra", "Mezzanine", "Balcony"]);
    expect(venue.capacity).toBe(12 * 20 + 6 * 18 + 6 * 16);
  });

  it.each([
    ["both sections and a template", { template: "club" }],
    ["two sections with one name", { sections: [{ name: "A", capacity: 1 }, { name: "A", capacity: 2 }] }],
    ["no sections", { sections: [] }],
    ["a latitude out of range", { lat: 123 }],
    ["an unknown time zone", { timezone: "Mars/Olympus" }],
    ["a negative seat count", { sections: [{ name: "A", rows: [{ name: "1", seats: -4 }] }] }],
    ["an unknown field", { owner: "me" }],
    ["two seats with one number in a row", { sections: [{ name: "A", rows: [{ name: "1", seats: [{ number: 1, x: 0, y: 0 }, { number: 1, x: 1, y: 0 }] }] }] }],
  ])("answers 400 for %s", async (_name, change) => {
    const body = { name: "Bad Hall", city: "Paris", country: "FR", lat: 48.85, lng: 2.35, sections: [{ name: "A", capacity: 10 }], ...change };
    await problem(await call("POST", "/api/venues", { token, body }), 400);
  });
});

describe("events", () => {
  it("needs a price for every section", async () => {
    const venueId = await makeVenue(token);
    const performerId = await makePerformer(token);
    const body = await problem(
      await call("POST", "/api/events", {
        token,
        body: { name: "X", type: "concert", startsAt: "2027-01-01T20:00:00Z", venueId, performerId, prices: [{ section: "Stalls", priceCents: 100 }] },
      }),
      400,
    );
    expect(body.detail).toContain('"Floor"');
  });

  it.each([
    ["an unknown venue", { venueId: "vn_nosuchvenue000" }],
    ["a price for a section the venue lacks", { prices: [{ section: "Roof", priceCents: 1 }] }],
    ["a start that is not an instant", { startsAt: "next friday" }],
    ["an unknown type", { type: "opera" }],
    ["a negative price", { prices: [{ section: "Stalls", priceCents: -1 }] }],
  ])("answers 400 for %s", async (_name, change) => {
    const venueId = await makeVenue(token);
    const performerId = await makePerformer(token);
    const body = {
      name: "Bad",
      type: "concert",
      startsAt: "2027-01-01T20:00:00Z",
      venueId,
      performerId,
      prices: [
        { section: "Stalls", priceCents: 100 },
        { section: "Floor", priceCents: 100 },
      ],
      ...change,
    };
    await problem(await call("POST", "/api/events", { token, body }), 400);
  });

  it("changes an event with PATCH and search sees the change at once", async () => {
    const [before, after] = [word(), word()];
    const event = await makeEvent(token, { name: `${before} night` });
    expect((await search({ term: before })).results.map((r) => r.id)).toEqual([event.id]);
    const res = await call("PATCH", `/api/events/${event.id}`, {
      token,
      body: { name: `${after} night`, type: "comedy", prices: [{ section: "Floor", priceCents: 1500 }] },
    });
    await json(res, 200);
    expect((await search({ term: before })).results).toEqual([]);
    const [found] = (await search({ term: after })).results;
    expect(found).toMatchObject({ id: event.id, type: "comedy", minPriceCents: 1500 });
  });

  it("moves an event to another venue and recreates its tickets", async () => {
    const event = await makeEvent(token);
    const venueId = await makeVenue(token, { sections: [{ name: "Lawn", capacity: 40 }] });
    await json(await call("PATCH", `/api/events/${event.id}`, { token, body: { venueId, prices: [{ section: "Lawn", priceCents: 2500 }] } }), 200);
    const detail = await json<{ availability: { total: number }; priceRange: { minCents: number } }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.availability.total).toBe(40);
    expect(detail.priceRange.minCents).toBe(2500);
  });

  it("refuses to move an event to another venue while fans hold seats", async () => {
    const event = await makeEvent(token);
    const fanToken = await tokenFor("holding-fan");
    await json(await call("POST", "/api/booking/reserve", { token: fanToken, body: { ticketIds: [`${event.id}.0`] } }), 201);
    const venueId = await makeVenue(token, { sections: [{ name: "Lawn", capacity: 40 }] });
    await problem(await call("PATCH", `/api/events/${event.id}`, { token, body: { venueId, prices: [{ section: "Lawn", priceCents: 2500 }] } }), 409);
  });

  it.each([
    ["an empty change", {}],
    ["an unknown field", { colour: "blue" }],
    ["a new venue without prices", { venueId: "vn_nosuchvenue000" }],
  ])("answers 400 to PATCH with %s", async (_name, body) => {
    const event = await makeEvent(token);
    await problem(await call("PATCH", `/api/events/${event.id}`, { token, body }), 400);
  });

  it("answers 404 to PATCH of an unknown event", async () => {
    await problem(await call("PATCH", "/api/events/ev_nosuchevent0000", { token, body: { name: "x" } }), 404);
  });
});

describe("dev token route", () => {
  it("mints a token for local development", async () => {
    const { token: minted } = await json<{ token: string }>(await call("POST", "/api/dev/token", { body: { userId: "demo-organizer", roles: ["organizer"] } }), 200);
    await json(await call("POST", "/api/performers", { token: minted, body: { name: "Minted" } }), 201);
  });

  it("does not exist without DEV_AUTH", async () => {
    const request = new Request("http://tickets.test/api/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "x" }),
    });
    const res = await app.fetch(request, { ...env, DEV_AUTH: undefined }, createExecutionContext());
    await problem(res, 404);
  });
});
