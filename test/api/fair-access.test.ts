import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/shared/ids";
import { fan, smallEvent } from "../booking-helpers";
import { call, callWith, dispatchToApp, json, makeEvent, makeVenue, organizerToken, problem, seatWatchers, tokenFor, withinOneRateWindow } from "../helpers";
import { queuedEvent, statuses } from "../queue-helpers";
import { SseReader } from "../sse";
import { PASSING_TOKEN, STAND_IN_SECRET } from "../turnstile-stand-in";

// Thousands of requests: straight to the app (see dispatchToApp).
dispatchToApp();

async function expectLimited(res: Response): Promise<void> {
  expect(res.headers.get("retry-after")).toBe("60");
  const body = await problem(res, 429);
  expect(body.detail).toMatch(/too many requests/);
}

const FAN_LIMIT = 60;
const ADDRESS_LIMIT = 600;

describe("rate limits", () => {
  // A burst of up to 600 requests and the one after it must share one window.
  beforeEach(() => withinOneRateWindow(10));

  const routes = [
    { action: "hold (reserve)", method: "POST", path: () => "/api/booking/reserve", body: {} },
    { action: "hold (release)", method: "DELETE", path: () => `/api/booking/holds/hd_${"x".repeat(16)}_${"y".repeat(12)}`, body: undefined },
    { action: "checkout", method: "PUT", path: () => "/api/booking/confirm", body: {} },
  ] as const;

  for (const route of routes) {
    it(`one account is slowed down on ${route.action}: past ${FAN_LIMIT} a minute, 429 with Retry-After`, async () => {
      const token = await fan();
      const send = () => call(route.method, route.path(), { token, body: route.body });
      const seen = await statuses(FAN_LIMIT, send);
      expect(seen.every((s) => s !== 429)).toBe(true);
      await expectLimited(await send());
      // Another fan is not affected.
      expect((await call(route.method, route.path(), { token: await fan(), body: route.body })).status).not.toBe(429);
    });
  }

  it(`one address is slowed down on holds before any token is checked: past ${ADDRESS_LIMIT} a minute, 429`, async () => {
    const headers = { "cf-connecting-ip": "203.0.113.7" };
    const seen = await statuses(ADDRESS_LIMIT, () => call("POST", "/api/booking/reserve", { headers, body: {} }));
    expect(seen.every((s) => s === 401)).toBe(true);
    await expectLimited(await call("POST", "/api/booking/reserve", { headers, body: {} }));
    // Checkout is counted apart, and so is every other address.
    expect((await call("PUT", "/api/booking/confirm", { headers, body: {} })).status).toBe(401);
    expect((await call("POST", "/api/booking/reserve", { headers: { "cf-connecting-ip": "203.0.113.8" }, body: {} })).status).toBe(401);
  });

  it(`one account is slowed down joining waiting rooms, and one address too`, async () => {
    const eventId = (await queuedEvent()).id;
    const token = await fan();
    const seen = await statuses(FAN_LIMIT, () => call("POST", `/api/events/${eventId}/queue`, { token }));
    expect(seen.every((s) => s === 201)).toBe(true);
    await expectLimited(await call("POST", `/api/events/${eventId}/queue`, { token }));

    const headers = { "cf-connecting-ip": "203.0.113.9" };
    const anonymous = await statuses(ADDRESS_LIMIT, () => call("POST", `/api/events/${eventId}/queue`, { headers }));
    expect(anonymous.every((s) => s === 401)).toBe(true);
    await expectLimited(await call("POST", `/api/events/${eventId}/queue`, { headers }));
  });

  it("sign-in is limited per address", async () => {
    const headers = { "cf-connecting-ip": "203.0.113.10" };
    const body = { userId: "limited-fan", roles: ["fan"] };
    const seen = await statuses(ADDRESS_LIMIT, () => call("POST", "/api/dev/token", { headers, body }));
    expect(seen.every((s) => s === 200)).toBe(true);
    await expectLimited(await call("POST", "/api/dev/token", { headers, body }));
  });

  it("RATE_LIMITS=off lifts them (load tests from one address)", async () => {
    const token = await fan();
    const seen = await statuses(FAN_LIMIT + 5, () => callWith({ RATE_LIMITS: "off" }, "PUT", "/api/booking/confirm", { token, body: {} }));
    expect(seen.every((s) => s === 400)).toBe(true);
  });
});

describe("Durable Objects only for real events", () => {
  it("answers 404 for an id that is not an event, and neither room stores anything", async () => {
    const ghost = newId("ev");
    for (const path of ["seats", "seats/stream", "best-available?count=2", "queue/draw"]) {
      await problem(await call("GET", `/api/events/${ghost}/${path}`), 404);
    }
    await problem(await call("POST", `/api/events/${ghost}/queue`, { token: await fan() }), 404);
    // Asked directly, the rooms still create no tables for an id that is not an event.
    expect(await env.SEAT_ROOM.getByName(ghost).seats(ghost)).toBeNull();
    expect(await env.QUEUE_ROOM.getByName(ghost).draw(ghost)).toBeNull();
    for (const namespace of [env.SEAT_ROOM, env.QUEUE_ROOM] as const) {
      const tables = await runInDurableObject(namespace.getByName(ghost), (_room, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").one().n,
      );
      expect(tables).toBe(0);
    }
  });

  it("with Postgres unreachable, a room that knows its event still serves its seat map (the check fails open)", async () => {
    const event = await smallEvent();
    // The room loads its event while Postgres is up; the API has not asked about this id yet.
    expect(await env.SEAT_ROOM.getByName(event.id).seats(event.id)).not.toBeNull();
    const down = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", CACHE_TTL_SECONDS: "0" };
    const res = await callWith(down, "GET", `/api/events/${event.id}/seats`);
    expect((await json<{ statuses: string }>(res, 200)).statuses).toHaveLength(event.ticketCount);
  });

  it("a burst of 100 fans opening the seat map of an event nobody has asked about yet all get it (one lookup, not 100)", async () => {
    const event = await smallEvent();
    const opened = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": "198.51.100.30" } });
        const reader = new SseReader(res);
        const frames = await reader.readUntil((events) => events.length > 0).catch(() => []);
        await reader.close();
        return frames[0]?.event;
      }),
    );
    expect(opened.filter((e) => e === "snapshot")).toHaveLength(100);
  });

  it("sees an event created after an id was asked for", async () => {
    const token = await organizerToken();
    const event = await makeEvent(token);
    expect((await call("GET", `/api/events/${event.id}/seats`)).status).toBe(200);
  });
});

describe("open streams", () => {
  it("one place in line has one stream: a second is a 429 until the first closes", async () => {
    const eventId = (await queuedEvent()).id;
    const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${eventId}/queue`, { token: await fan() }), 201);
    const path = `/api/events/${eventId}/queue/stream?ticket=${encodeURIComponent(joined.queueTicket)}`;
    const first = await call("GET", path);
    expect(first.status).toBe(200);
    const second = await call("GET", path);
    expect(second.headers.get("retry-after")).toBeTruthy();
    await problem(second, 429);
    await first.body?.cancel();
    await expect.poll(async () => (await env.QUEUE_ROOM.getByName(eventId).openStreams()) === 0).toBe(true);
    const again = await call("GET", path);
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it("one address may keep 256 seat streams of an event; the next is a 429, and closed streams free their places", async () => {
    const event = await smallEvent();
    const headers = { "cf-connecting-ip": "198.51.100.20" };
    const open: Response[] = [];
    for (let i = 0; i < 256; i++) open.push(await call("GET", `/api/events/${event.id}/seats/stream`, { headers }));
    expect(open.every((r) => r.status === 200)).toBe(true);
    await problem(await call("GET", `/api/events/${event.id}/seats/stream`, { headers }), 429);
    // Another address is not affected.
    const other = await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": "198.51.100.21" } });
    expect(other.status).toBe(200);
    await other.body?.cancel();
    await Promise.all(open.map((r) => r.body?.cancel()));
    await expect.poll(async () => seatWatchers(event.id), { timeout: 5_000 }).toBe(0);
    const after = await call("GET", `/api/events/${event.id}/seats/stream`, { headers });
    expect(after.status).toBe(200);
    await after.body?.cancel();
  });
});

describe("open streams per user", () => {
  it("a signed-in user may keep 4 seat streams of an event; the fifth is a 429", async () => {
    const event = await smallEvent();
    const token = await fan();
    const open: Response[] = [];
    for (let i = 0; i < 4; i++) open.push(await call("GET", `/api/events/${event.id}/seats/stream`, { token }));
    expect(open.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await problem(await call("GET", `/api/events/${event.id}/seats/stream`, { token }), 429);
    const anonymous = await call("GET", `/api/events/${event.id}/seats/stream`);
    expect(anonymous.status).toBe(200);
    await Promise.all([...open, anonymous].map((r) => r.body?.cancel()));
  });
});

describe("bot check on joining a waiting room", () => {
  const checked = { TURNSTILE_SECRET_KEY: STAND_IN_SECRET };

  it("with a Turnstile secret set, joining needs a token that Siteverify accepts, once", async () => {
    const eventId = (await queuedEvent()).id;
    const token = await fan();
    const join = (headers: Record<string, string>) => callWith(checked, "POST", `/api/events/${eventId}/queue`, { token, headers });
    await problem(await join({}), 403);
    await problem(await join({ "x-turnstile-token": "made-up" }), 403);
    const pass = `${PASSING_TOKEN}-${crypto.randomUUID()}`;
    expect((await join({ "x-turnstile-token": pass })).status).toBe(201);
    // Tokens are single-use.
    await problem(await join({ "x-turnstile-token": pass }), 403);
  });

  it("without the secret (local development) the check is off", async () => {
    const eventId = (await queuedEvent()).id;
    expect((await call("POST", `/api/events/${eventId}/queue`, { token: await fan() })).status).toBe(201);
  });
});

describe("organizer quotas", () => {
  it("an organizer creates at most EVENTS_PER_ORGANIZER_PER_DAY events a day, even ten at once against a quota of three", async () => {
    const token = await tokenFor(`quota-organizer-${crypto.randomUUID()}`, ["organizer"]);
    const venueId = await makeVenue(token);
    const performer = await json<{ id: string }>(await call("POST", "/api/performers", { token, body: { name: "Quota Band" } }), 201);
    const body = {
      name: "Quota Night",
      type: "concert",
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      venueId,
      performerId: performer.id,
      prices: [
        { section: "Stalls", priceCents: 1000 },
        { section: "Floor", priceCents: 1000 },
      ],
    };
    const quota = { EVENTS_PER_ORGANIZER_PER_DAY: "3" };
    const created = await Promise.all(Array.from({ length: 10 }, () => callWith(quota, "POST", "/api/events", { token, body })));
    expect(created.filter((r) => r.status === 201)).toHaveLength(3);
    expect(created.filter((r) => r.status === 429)).toHaveLength(7);
    const refused = created.find((r) => r.status === 429);
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(86_000);
  });

  it("a venue larger than TICKETS_PER_EVENT is refused with 422", async () => {
    const token = await organizerToken();
    const res = await callWith({ TICKETS_PER_EVENT: "10" }, "POST", "/api/venues", {
      token,
      body: { name: "Too Big Hall", city: "Leeds", country: "GB", lat: 53.8, lng: -1.55, template: "theater" },
    });
    await problem(res, 422);
  });
});
