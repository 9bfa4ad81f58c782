/**
 * Attacks on the live figures (docs/operations.md "The live view"): exact
 * counts under concurrency, refusal counters pushed onto the wrong event,
 * and streams that outlive their viewer.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signAdmission } from "../../src/shared/queue";
import type { OpsFigures } from "../../src/shared/ops";
import { fan, reserve, room, smallEvent } from "../booking-helpers";
import { call, json, makeEvent, organizerToken, withinOneRateWindow, word } from "../helpers";
import { SseReader } from "../sse";
import { app } from "../../workers/api/app";
import { createExecutionContext } from "cloudflare:test";

const figures = async (eventId: string, token: string) => json<OpsFigures>(await call("GET", `/api/events/${eventId}/ops`, { token }), 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The room's refusal counts, read inside it (works for ids that are no event too). */
const rejectedIn = (eventId: string) =>
  runInDurableObject(room(eventId), (instance) => {
    const figures = (instance as unknown as { figures: { view(now: number): { health: { rejected: Record<string, number> } } } }).figures;
    return figures.view(Date.now()).health.rejected;
  });

describe("counts under concurrency", () => {
  it("20 fans holding at once: holdsCreated 20, seatsHeld 20, live 20, the minute's history adds up", async () => {
    const organizer = await organizerToken();
    const event = await makeEvent(organizer, { venue: { sections: [{ name: "Floor", capacity: 30 }] }, prices: [{ section: "Floor", priceCents: 1000 }] });
    const fans = await Promise.all(Array.from({ length: 20 }, () => fan()));
    const statuses = await Promise.all(
      fans.map(async (token, i) => {
        const res = await reserve(token, [`${event.id}.${i}`]);
        await res.body?.cancel();
        return res.status;
      }),
    );
    expect(statuses).toEqual(Array(20).fill(201));
    const room = (await figures(event.id, organizer)).seatRoom;
    expect(room?.totals).toMatchObject({ holdsCreated: 20, seatsHeld: 20, errors: 0 });
    expect(room?.holds.live).toBe(20);
    expect(room?.seats).toMatchObject({ total: 30, held: 20, available: 10 });
    expect(room?.history.reduce((n, m) => n + m.holdsCreated, 0)).toBe(20);
    expect(Object.values(room?.health.rejected ?? {}).reduce((n, v) => n + v, 0)).toBe(0);
  });
});

describe("refusal counters", () => {
  it("a forged or borrowed admission token naming another event counts against the event the hold was for, never the other one", async () => {
    const victim = await smallEvent();
    const target = await smallEvent();
    const token = await fan(`fan-${word(6)}`);
    const victimBefore = (await figures(victim.id, victim.organizer)).seatRoom?.health.rejected;
    // An admission token for the victim event, well signed, used on the target event's tickets.
    const forged = await signAdmission(env, { userId: "someone-else", eventId: victim.id, sessionId: "s_x", expiresAt: Date.now() + 60_000 }).catch(() => "a.b.c");
    for (const header of [forged, "a.b.c", "x".repeat(2000)]) {
      const res = await reserve(token, [target.tickets(0)], { "x-admission-token": header });
      expect(res.status).toBe(403);
      await res.body?.cancel();
    }
    // Mixed events in one hold: refused before any counting.
    const mixed = await reserve(token, [target.tickets(1), victim.tickets(1)]);
    expect(mixed.status).toBe(400);
    await mixed.body?.cancel();
    await expect.poll(async () => (await figures(target.id, target.organizer)).seatRoom?.health.rejected.no_admission).toBeGreaterThanOrEqual(1);
    await sleep(200);
    expect((await figures(victim.id, victim.organizer)).seatRoom?.health.rejected).toEqual(victimBefore);
  });

  // Found by the attack round (fixed since): workers/api/ops/rejections.ts. "A flood of refused requests is one room call per isolate
  // per interval, not one each" holds only for one event id: the tally is per event id taken from the
  // refused body (any `xx_<id>.<n>`, checked against nothing), and an id's first refusal is handed over
  // at once (flushedAt 0). So a fan already past the hold rate limit, varying the ticket's event id,
  // still makes every 429 a SeatRoom RPC (waitUntil noteRejections) on a Durable Object named by the
  // attacker; 1,000 distinct ids also clear every pending tally (`tallies.clear()`), losing real events'
  // counts. Repro: exhaust FAN_RATE_LIMIT (60 reserves), then POST /api/booking/reserve {ticketIds:
  // ["ev_<random>.0"]} 15 times with fresh ids: each answers 429, and each room `ev_<random>` has
  // rejected.rate_limited = 1. Should: a 429 costs no room call for an id that is not a known event
  // (count only ids the isolate has seen answered by a room, or batch all events in one periodic flush).
  it("a rate-limited fan cannot make each refused request a room call by naming a fresh event id each time", async () => {
    const token = await fan();
    const real = await smallEvent();
    await withinOneRateWindow(10);
    let limited = false;
    for (let i = 0; i < 70 && !limited; i++) {
      const res = await reserve(token, [real.tickets(i % 2)]);
      await res.body?.cancel();
      limited = res.status === 429;
    }
    expect(limited).toBe(true);
    const fakes = Array.from({ length: 15 }, () => `ev_${word(16)}`);
    for (const id of fakes) {
      const res = await reserve(token, [`${id}.0`]);
      expect(res.status).toBe(429);
      await res.body?.cancel();
    }
    await sleep(300);
    const reached = (await Promise.all(fakes.map((id) => rejectedIn(id)))).filter((r) => (r.rate_limited ?? 0) > 0).length;
    expect(reached).toBe(0);
  });
});

describe("the figures stream", () => {
  it("stops asking the rooms once its viewers go away (10 streams opened and dropped)", async () => {
    const event = await smallEvent();
    let calls = 0;
    const counting = {
      ...env.SEAT_ROOM,
      getByName: (name: string) => {
        const stub = env.SEAT_ROOM.getByName(name);
        return new Proxy(stub, {
          get: (target, key) => {
            if (key === "opsFigures") calls += 1;
            return Reflect.get(target, key) as unknown;
          },
        });
      },
    } as unknown as Env["SEAT_ROOM"];
    const changed = { ...env, SEAT_ROOM: counting };
    const streams: SseReader[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await app.fetch(new Request(`http://tickets.test/api/events/${event.id}/ops/stream`, { headers: { authorization: `Bearer ${event.organizer}` } }), changed, createExecutionContext());
      expect(res.status).toBe(200);
      const reader = new SseReader(res);
      await reader.readUntil((events) => events.length >= 1);
      streams.push(reader);
    }
    expect(calls).toBeGreaterThanOrEqual(10);
    await Promise.all(streams.map((s) => s.close()));
    await sleep(1_500);
    const afterDrop = calls;
    await sleep(2_000);
    expect(calls - afterDrop).toBe(0);
  });
});
