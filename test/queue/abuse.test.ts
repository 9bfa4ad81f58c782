/**
 * The waiting room under attack (issue #9's hostile review, kept as
 * regressions): concurrent joins, leave-and-rejoin loops, ended sessions,
 * status floods, other fans' tickets, and rooms of the first release.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signAdmission, signTicket, verifyTicket } from "../../src/shared/queue";
import { fan, reserve } from "../booking-helpers";
import { call, dispatchToApp, json, tokenFor, withinOneRateWindow } from "../helpers";
import { join, queuedEvent, queueRoom, status } from "../queue-helpers";

dispatchToApp();

const rows = (eventId: string) =>
  runInDurableObject(queueRoom(eventId), (_r, state) => state.storage.sql.exec<{ user_id: string; place: string; state: string }>("SELECT user_id, place, state FROM fans").toArray());

describe("one place per fan under concurrency", () => {
  it("50 joins at the same instant after the opening give one place, one row and lateCount 1", async () => {
    const event = await queuedEvent({});
    const token = await fan();
    const places = await Promise.all(Array.from({ length: 50 }, () => join(event.id, token)));
    const decoded = await Promise.all(places.map(async (p) => JSON.stringify((await verifyTicket(env, p.queueTicket ?? "", undefined, event.id))?.place)));
    expect(new Set(decoded).size).toBe(1);
    expect((await rows(event.id)).length).toBe(1);
    const draw = await json<{ lateCount: number }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(draw.lateCount).toBe(1);
  });

  it("joins racing across the on-sale instant give one place", async () => {
    const onSale = Date.now() + 60_000;
    const event = await queuedEvent({}, new Date(onSale).toISOString());
    const results = await runInDurableObject(queueRoom(event.id), async (room) => {
      const real = room.now;
      let i = 0;
      // Alternate the clock either side of the on-sale instant while the joins interleave.
      room.now = () => (i++ % 2 === 0 ? onSale - 1 : onSale + 1);
      const out = await Promise.all(Array.from({ length: 20 }, () => room.join(event.id, "racer")));
      room.now = real;
      return out.map((o) => (o.kind === "joined" ? JSON.stringify(o.place) : o.kind));
    });
    expect(new Set(results).size).toBe(1);
    expect((await rows(event.id)).length).toBe(1);
  });
});

describe("ghost places: leave and rejoin after the opening", () => {
  it("a fan looping leave/rejoin does not push real fans back (counts and ETAs count fans)", async () => {
    const event = await queuedEvent({ batchSize: 1, paused: true });
    const looper = await fan();
    await join(event.id, looper);
    for (let i = 0; i < 20; i++) {
      expect((await call("DELETE", `/api/events/${event.id}/queue`, { token: looper })).status).toBe(204);
      await join(event.id, looper);
    }
    // A real fan joining now: one fan (the looper) is in line ahead of them.
    // The estimate takes the places that ended as spread evenly (O(1) per
    // status), so it may be off by one, never by the twenty ghosts.
    const real = await join(event.id, await fan());
    expect(real.ahead).toBeGreaterThanOrEqual(1);
    expect(real.ahead).toBeLessThanOrEqual(2);
  });

  it("places that ended take no one's turn: two ticks of one admit the looper and the real fan", async () => {
    const event = await queuedEvent({ batchSize: 1 });
    const looper = await fan();
    await join(event.id, looper);
    for (let i = 0; i < 10; i++) {
      await call("DELETE", `/api/events/${event.id}/queue`, { token: looper });
      await join(event.id, looper);
    }
    const real = await join(event.id, await fan());
    // Two ticks of batch 1: two fans could have been admitted (the looper and the real fan).
    await runDurableObjectAlarm(queueRoom(event.id));
    await runDurableObjectAlarm(queueRoom(event.id));
    const now = await status(event.id, real.queueTicket ?? "");
    expect(now.state).toBe("admitted");
  });

  it("leaving the line is rate limited (it is the other half of the loop)", async () => {
    const event = await queuedEvent({});
    const token = await fan();
    await withinOneRateWindow(10);
    const seen: number[] = [];
    for (let i = 0; i < 70; i++) {
      const r = await call("DELETE", `/api/events/${event.id}/queue`, { token });
      await r.body?.cancel();
      seen.push(r.status);
    }
    expect(seen).toContain(429);
  });
});

describe("ended stays ended; admitted cannot leave to keep shopping", () => {
  it("an admitted fan cannot cancel (409) and keep shopping past maxActive", async () => {
    const event = await queuedEvent({ batchSize: 5, maxActive: 1 });
    const a = await fan();
    const ja = await join(event.id, a);
    await runDurableObjectAlarm(queueRoom(event.id));
    const admitted = await status(event.id, ja.queueTicket ?? "");
    expect(admitted.state).toBe("admitted");
    expect((await call("DELETE", `/api/events/${event.id}/queue`, { token: a })).status).toBe(409);
  });

  it("the admission token of a released session holds no seats; a rejoin while admitted returns admitted, not a new place", async () => {
    const event = await queuedEvent({ batchSize: 5, maxActive: 5 });
    const a = await fan();
    const ja = await join(event.id, a);
    await runDurableObjectAlarm(queueRoom(event.id));
    const admitted = await status(event.id, ja.queueTicket ?? "");
    const again = await join(event.id, a);
    expect(again.state).toBe("admitted");
    const held = await json<{ holdId: string }>(await reserve(a, [event.tickets(0)], { "x-admission-token": admitted.admissionToken ?? "" }), 201);
    expect((await call("DELETE", `/api/booking/holds/${held.holdId}`, { token: a })).status).toBe(204);
    expect((await reserve(a, [event.tickets(1)], { "x-admission-token": admitted.admissionToken ?? "" })).status).toBe(403);
    expect((await status(event.id, ja.queueTicket ?? "")).state).toBe("ended");
    expect((await status(event.id, again.queueTicket ?? "")).state).toBe("ended");
    // A re-signed admission for the same (ended) session is refused too.
    const session = await runInDurableObject(queueRoom(event.id), (_r, s) =>
      s.storage.sql.exec<{ session_id: string; expires_at: number }>("SELECT session_id, expires_at FROM fans").one(),
    );
    const user = (await verifyTicket(env, ja.queueTicket ?? "", undefined, event.id))?.userId ?? "";
    const forged = await signAdmission(env, { userId: user, eventId: event.id, sessionId: session.session_id, expiresAt: session.expires_at });
    expect((await reserve(a, [event.tickets(1)], { "x-admission-token": forged })).status).toBe(403);
  });

  it("a paused queue hands out no admission tokens, even to fans the last tick already reached", async () => {
    const event = await queuedEvent({ batchSize: 5, maxActive: 100 });
    const tokens = [await fan(), await fan(), await fan()];
    const joined = [];
    for (const t of tokens) joined.push(await join(event.id, t));
    await runDurableObjectAlarm(queueRoom(event.id));
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, batchSize: 5, maxActive: 100, paused: true } } }), 200);
    const after = await status(event.id, joined[0]?.queueTicket ?? "");
    expect(after.state).not.toBe("admitted");
  });
});

describe("quota and maxActive under a status flood", () => {
  it("many status calls at once never issue more tokens than the tick quota or maxActive", async () => {
    const event = await queuedEvent({ batchSize: 4, maxActive: 6 }, new Date(Date.now() + 3_600_000).toISOString());
    const fans = await Promise.all(Array.from({ length: 40 }, () => fan()));
    const joined = [];
    for (const t of fans) joined.push(await join(event.id, t));
    await runInDurableObject(queueRoom(event.id), (room) => {
      const real = room.now;
      room.now = () => real() + 3_700_000;
    });
    let issued = 0;
    for (let tick = 0; tick < 6; tick++) {
      await runDurableObjectAlarm(queueRoom(event.id));
      const statuses = await Promise.all(joined.map((j) => status(event.id, j.queueTicket ?? "")));
      const shopping = await runInDurableObject(queueRoom(event.id), (_r, s) => s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM fans WHERE state='admitted'").one().n);
      const now = statuses.filter((s) => s.state === "admitted").length;
      expect(shopping).toBeLessThanOrEqual(6);
      expect(now).toBeLessThanOrEqual(6);
      expect(now - issued).toBeLessThanOrEqual(4);
      issued = now;
    }
  });
});

describe("forged, other-event and other-user tickets", () => {
  it("a ticket for another user cannot be used to read or claim their place from my account", async () => {
    const event = await queuedEvent({});
    const victim = await join(event.id, await fan());
    // The ticket is a bearer credential: anyone holding it can claim the victim's admission.
    await runDurableObjectAlarm(queueRoom(event.id));
    const claimed = await status(event.id, victim.queueTicket ?? "");
    const attacker = await fan();
    expect((await reserve(attacker, [event.tickets(0)], { "x-admission-token": claimed.admissionToken ?? "" })).status).toBe(403);
  });

  it("a signed ticket with a place the fan does not have says replaced, not admitted", async () => {
    const event = await queuedEvent({ batchSize: 1 });
    const t = await fan();
    await join(event.id, await fan());
    const mine = await join(event.id, t);
    const user = (await verifyTicket(env, mine.queueTicket ?? "", undefined, event.id))?.userId ?? "";
    const better = await signTicket(env, { userId: user, eventId: event.id, place: { kind: "late", seq: 0 } });
    await runDurableObjectAlarm(queueRoom(event.id));
    expect((await status(event.id, better)).state).toBe("ended");
  });
});

describe("legacy room (first release: meta + sessions, no fans)", () => {
  async function legacyRoom(eventId: string, sessions: { user: string; session: string; expiresAt: number }[]) {
    await runInDurableObject(queueRoom(eventId), async (room, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE fans");
      sql.exec("CREATE TABLE IF NOT EXISTS sessions (user_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, expires_at INTEGER NOT NULL)");
      for (const s of sessions) sql.exec("INSERT INTO sessions VALUES (?, ?, ?)", s.user, s.session, s.expiresAt);
      // What the constructor does on the next start.
      const fans = await import("../../workers/queue-room/fans");
      fans.create(sql);
      (room as unknown as { state: unknown }).state = undefined;
    });
  }

  it("a fan who booked in the first release (no session row) cannot be admitted again with their old ticket", async () => {
    const event = await queuedEvent({ batchSize: 10, maxActive: 100 });
    for (let i = 0; i < 3; i++) await join(event.id, await fan());
    await runDurableObjectAlarm(queueRoom(event.id));
    // The first release kept no row for a fan whose session ended; their ticket (3-day expiry) still verifies.
    await legacyRoom(event.id, []);
    const booked = await signTicket(env, { userId: "legacy-booked", eventId: event.id, place: { kind: "late", seq: 1 } });
    const res = await status(event.id, booked);
    expect(res.state).not.toBe("admitted");
  });

  it("a legacy shopper who joins again keeps their live session and does not free their slot (maxActive 1)", async () => {
    const event = await queuedEvent({ batchSize: 10, maxActive: 1 });
    const expiresAt = Date.now() + 10 * 60_000;
    const sessionId = crypto.randomUUID();
    await legacyRoom(event.id, [{ user: "legacy-shopper", session: sessionId, expiresAt }]);
    const legacyToken = await signAdmission(env, { userId: "legacy-shopper", eventId: event.id, sessionId, expiresAt });
    const shopper = await tokenFor("legacy-shopper", ["fan"]);
    // Another fan is in line first; the legacy shopper (who has no ticket in hand) joins again, from a new tab.
    const other = await join(event.id, await fan());
    const rejoined = await join(event.id, shopper);
    await runDurableObjectAlarm(queueRoom(event.id));
    const os = await status(event.id, other.queueTicket ?? "");
    const stillShops = (await reserve(shopper, [event.tickets(0)], { "x-admission-token": legacyToken })).status;
    expect(rejoined.state).toBe("admitted");
    expect(stillShops === 201 && os.state === "admitted").toBe(false);
  });
});
