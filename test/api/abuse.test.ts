/**
 * Fair access under attack (issue #9's hostile review, kept as regressions):
 * bypasses of the rate limits and stream caps, made-up ids, quotas, tokens
 * and the sign-in hand-off.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT, UnsecuredJWT } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/shared/ids";
import { signTicket } from "../../src/shared/queue";
import { fan, reserve, smallEvent } from "../booking-helpers";
import { call, callWith, dispatchToApp, json, makeVenue, organizerToken, problem, seatWatchers, withinOneRateWindow } from "../helpers";

import { queuedEvent, statuses } from "../queue-helpers";

dispatchToApp();

const tables = (ns: typeof env.SEAT_ROOM | typeof env.QUEUE_ROOM, name: string) =>
  runInDurableObject(ns.getByName(name) as DurableObjectStub, async (_r, state) => ({
    tables: state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'").toArray().map((r) => r.name),
    alarm: await state.storage.getAlarm(),
  }));

describe("rate limits: bypasses", () => {
  // A burst of up to 620 requests and the one after it must share one window.
  beforeEach(() => withinOneRateWindow(10));

  it("one IPv6 client rotating addresses inside its own /64 is still limited per address", async () => {
    const seen = await statuses(620, (i) => call("POST", "/api/booking/reserve", { headers: { "cf-connecting-ip": `2001:db8:1:2::${(i + 1).toString(16)}` }, body: {} }));
    expect(seen).toContain(429);
  });

  it("X-Forwarded-For and header case do not change the key", async () => {
    const headers = (i: number) => ({ "CF-Connecting-IP": "203.0.113.77", "x-forwarded-for": `10.0.${i >> 8}.${i & 255}` });
    const seen = await statuses(601, (i) => call("POST", "/api/booking/reserve", { headers: headers(i), body: {} }));
    expect(seen.at(-1)).toBe(429);
  });

  it("the POST alias of confirm shares the checkout limit", async () => {
    const token = await fan();
    await statuses(60, () => call("PUT", "/api/booking/confirm", { token, body: {} }));
    const res = await call("POST", "/api/booking/confirm", { token, body: {} });
    expect(res.headers.get("retry-after")).toBe("60");
    await problem(res, 429);
  });

  it("polling one's place in line is limited per ticket holder: past 60 a minute, 429 (each poll is a call into the event's single QueueRoom)", async () => {
    const event = await queuedEvent();
    const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 201);
    const path = `/api/events/${event.id}/queue/status?ticket=${encodeURIComponent(joined.queueTicket)}`;
    const seen = await statuses(61, () => call("GET", path));
    expect(seen.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(seen.at(-1)).toBe(429);
  });

  it("catalog writes are limited per organizer: past 300 a minute, 429", async () => {
    const token = await organizerToken();
    // An empty change is refused without a database read, so 300 of them fit well inside the limit's minute.
    const send = () => call("PATCH", `/api/events/ev_${"0".repeat(16)}`, { token, body: {} });
    const seen = await statuses(300, send);
    expect(seen.every((s) => s === 400)).toBe(true);
    expect((await send()).status).toBe(429);
  });
});

describe("stream caps", () => {
  it("racing opens of one queue ticket's stream: exactly one is admitted, refusals leak nothing", async () => {
    const event = await queuedEvent();
    const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 201);
    const path = `/api/events/${event.id}/queue/stream?ticket=${encodeURIComponent(joined.queueTicket)}`;
    const opened = await Promise.all(Array.from({ length: 12 }, () => call("GET", path, { headers: { "cf-connecting-ip": "198.51.100.90" } })));
    expect(opened.filter((r) => r.status === 200).length).toBe(1);
    for (const r of opened.filter((r) => r.status === 429)) {
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.headers.get("retry-after")).toBeTruthy();
    }
    await Promise.all(opened.map((r) => r.body?.cancel()));
    await expect.poll(async () => env.QUEUE_ROOM.getByName(event.id).openStreams(), { timeout: 5_000 }).toBe(0);
    const again = await call("GET", path);
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it("racing seat-stream opens by one signed-in user: at most 4, and all freed after cancel", async () => {
    const event = await smallEvent();
    const token = await fan();
    const opened = await Promise.all(Array.from({ length: 12 }, () => call("GET", `/api/events/${event.id}/seats/stream?lastEventId=0`, { token })));
    expect(opened.filter((r) => r.status === 200).length).toBe(4);
    await Promise.all(opened.map((r) => r.body?.cancel()));
    await expect.poll(async () => seatWatchers(event.id), { timeout: 5_000 }).toBe(0);
  });

  it("an ended queue ticket's stream ends and frees its slot", async () => {
    const event = await queuedEvent();
    const token = await fan();
    const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${event.id}/queue`, { token }), 201);
    expect((await call("DELETE", `/api/events/${event.id}/queue`, { token })).status).toBe(204);
    const res = await call("GET", `/api/events/${event.id}/queue/stream?ticket=${encodeURIComponent(joined.queueTicket)}`);
    const text = await res.text();
    expect(text).toMatch(/"state":"ended"/);
    expect(await env.QUEUE_ROOM.getByName(event.id).openStreams()).toBe(0);
  });
});

describe("Durable Objects only for real events: routes that are not gated", () => {
  it("reserve, holds, confirm, event reads and queue routes for a made-up event leave no tables and no alarm in either room", async () => {
    const ghost = newId("ev");
    const token = await fan();
    const hold = `hd_${ghost.slice(3)}_abcdefghjkmn`;
    const answers: Record<string, number> = {};
    const send = async (label: string, res: Promise<Response>) => {
      const r = await res;
      answers[label] = r.status;
      await r.body?.cancel();
    };
    await send("reserve", reserve(token, [`${ghost}.0`, `${ghost}.1`]));
    await send("getHold", call("GET", `/api/booking/holds/${hold}`, { token }));
    await send("release", call("DELETE", `/api/booking/holds/${hold}`, { token }));
    await send("confirm", call("PUT", "/api/booking/confirm", { token, body: { holdId: hold } }));
    await send("event", call("GET", `/api/events/${ghost}`));
    await send("tickets", call("GET", `/api/events/${ghost}/tickets`));
    await send("leave", call("DELETE", `/api/events/${ghost}/queue`, { token }));
    await send("status", call("GET", `/api/events/${ghost}/queue/status?ticket=${await signTicket(env, { userId: "x", eventId: ghost, place: { kind: "late", seq: 0 } })}`));
    expect(await tables(env.SEAT_ROOM, ghost)).toEqual({ tables: [], alarm: null });
    expect(await tables(env.QUEUE_ROOM, ghost)).toEqual({ tables: [], alarm: null });
  });
});

describe("organizer quotas", () => {
  it("PATCH venueId cannot move an event onto a venue larger than TICKETS_PER_EVENT", async () => {
    const event = await smallEvent();
    const token = event.organizer;
    const big = await makeVenue(token, { sections: [{ name: "Field", capacity: 500 }] });
    const res = await callWith({ TICKETS_PER_EVENT: "100" }, "PATCH", `/api/events/${event.id}`, {
      token,
      body: { venueId: big, prices: [{ section: "Field", priceCents: 100 }] },
    });
    expect(res.status).toBe(422);
  });
});

describe("bearer tokens", () => {
  const secret = new TextEncoder().encode("test-only-secret-0123456789abcdef");
  const now = () => Math.floor(Date.now() / 1000);
  const me = (token: string) => call("GET", "/api/me/bookings", { token });

  it("alg none, HS512, nbf in the future, exp as a string are 401", async () => {
    const none = new UnsecuredJWT({ roles: ["organizer"] }).setSubject("mallory").setExpirationTime(now() + 60).encode();
    expect((await me(none)).status).toBe(401);
    const hs512 = await new SignJWT({}).setProtectedHeader({ alg: "HS512" }).setSubject("m").setExpirationTime(now() + 60).sign(secret);
    expect((await me(hs512)).status).toBe(401);
    const nbf = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("m").setNotBefore(now() + 600).setExpirationTime(now() + 900).sign(secret);
    expect((await me(nbf)).status).toBe(401);
    const strExp = await new SignJWT({ exp: String(now() + 60) as unknown as number }).setProtectedHeader({ alg: "HS256" }).setSubject("m").sign(secret);
    expect((await me(strExp)).status).toBe(401);
  });

  it("iat far in the future with a short exp - iat is refused", async () => {
    const iat = now() + 30 * 24 * 3600;
    const t = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("m").setIssuedAt(iat).setExpirationTime(now() + 3600).sign(secret);
    const res = await me(t);
    expect(res.status).toBe(401);
  });

  it("a queue ticket is not a login token; a login token is not an admission token", async () => {
    const event = await queuedEvent();
    const token = await fan();
    const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${event.id}/queue`, { token }), 201);
    expect((await me(joined.queueTicket)).status).toBe(401);
    expect((await reserve(token, [event.tickets(0)], { "x-admission-token": token })).status).toBe(403);
  });

  it("with a JWKS configured, an HS256 token signed with JWT_SECRET is 401 (not 500)", async () => {
    const res = await callWith({ JWT_JWKS_URL: "http://127.0.0.1:9/jwks.json" }, "GET", "/api/me/bookings", { token: await fan() });
    expect(res.status).toBe(401);
  });
});

describe("the demo sign-in hand-off", () => {
  const state = "0123456789abcdef0123";
  const signIn = (redirect_uri: string) => call("GET", `/api/dev/sign-in?${new URLSearchParams({ role: "fan", state, redirect_uri })}`);
  const tricks = [
    "https://tickets.test//evil.example/steal",
    "https://tickets.test/\\evil.example/steal",
    "https://tickets.test/.//evil.example/steal",
    "https:evil.example/steal",
    "https://tickets.test/%2F%2Fevil.example",
    "https://tickets.test/%5Cevil.example",
  ];
  for (const uri of tricks) {
    it(`never leaves the site: ${uri}`, async () => {
      const res = await signIn(uri);
      const location = res.headers.get("location") ?? "";
      if (res.status !== 302) return;
      expect(new URL(location, "http://elsewhere.test").origin).toBe("http://tickets.test");
    });
  }
});
