import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { lotteryRank, sha256Hex, signAdmission, signTicket, verifyTicket } from "../../src/shared/queue";
import { call, json, problem } from "../helpers";
import { fan, reserve, smallEvent, travel } from "../booking-helpers";
import { SseReader } from "../sse";
import { join, queuedEvent, queueRoom, queueTravel, status, type Position } from "../queue-helpers";


describe("waiting room", () => {
  it("admits a fan in a short queue on the next tick, and reserve needs the admission token", async () => {
    const event = await queuedEvent({});
    const token = await fan();
    const joined = await join(event.id, token);
    expect(joined.state).toBe("waiting");
    expect(joined.position).toBe(1);
    await problem(await reserve(token, [event.tickets(0)]), 403);

    expect(await runDurableObjectAlarm(queueRoom(event.id))).toBe(true);
    const admitted = await status(event.id, joined.queueTicket ?? "");
    expect(admitted.state).toBe("admitted");
    const res = await reserve(token, [event.tickets(0)], { "x-admission-token": admitted.admissionToken ?? "" });
    expect(res.status).toBe(201);
  });

  it("answers 409 for an event without a waiting room", async () => {
    const event = await smallEvent();
    await problem(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 409);
  });

  it("admits late fans first come, first served, never more per tick than the batch", async () => {
    const event = await queuedEvent({ batchSize: 3, maxActive: 100 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => fan()));
    const tickets: string[] = [];
    for (const token of tokens) tickets.push((await join(event.id, token)).queueTicket ?? "");
    const admittedAt: number[] = [];
    for (let round = 1; round <= 6 && admittedAt.length < 10; round++) {
      await queueTravel(event.id, 2_000);
      await runDurableObjectAlarm(queueRoom(event.id));
      let thisTick = 0;
      for (const [i, ticket] of tickets.entries()) {
        if (admittedAt[i] !== undefined) continue;
        if ((await status(event.id, ticket)).state === "admitted") {
          admittedAt[i] = round;
          thisTick++;
        }
      }
      expect(thisTick).toBeLessThanOrEqual(3);
    }
    expect(admittedAt).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
  });

  it("never lets more fans shop at once than maxActive; a fan who releases frees the slot", async () => {
    const event = await queuedEvent({ batchSize: 10, maxActive: 2 });
    const tokens = await Promise.all(Array.from({ length: 3 }, () => fan()));
    const tickets = [];
    for (const t of tokens) tickets.push((await join(event.id, t)).queueTicket ?? "");
    await runDurableObjectAlarm(queueRoom(event.id));
    const states = [];
    for (const t of tickets) states.push(await status(event.id, t));
    expect(states.map((s) => s.state)).toEqual(["admitted", "admitted", "waiting"]);

    const holdRes = await reserve(tokens[0] ?? "", [event.tickets(0)], { "x-admission-token": states[0]?.admissionToken ?? "" });
    const heldBody = await json<{ holdId: string }>(holdRes, 201);
    await call("DELETE", `/api/booking/holds/${heldBody.holdId}`, { token: tokens[0] });
    // Giving the seats back ends that fan's shopping session: the token no longer holds seats.
    const again = await problem(await reserve(tokens[0] ?? "", [event.tickets(0)], { "x-admission-token": states[0]?.admissionToken ?? "" }), 403);
    expect(again.detail).toContain("session has ended");
    await queueTravel(event.id, 2_000);
    await runDurableObjectAlarm(queueRoom(event.id));
    expect((await status(event.id, tickets[2] ?? "")).state).toBe("admitted");
  });

  it("orders early fans by a lottery that is a permutation of them and can be recomputed from the published seed", async () => {
    const opensAt = Date.now() + 3_600_000;
    const event = await queuedEvent({ batchSize: 100 }, new Date(opensAt).toISOString());
    const users = Array.from({ length: 12 }, (_, i) => `lottery-${event.id}-${i}`);
    const joined: Position[] = [];
    for (const user of users) joined.push(await join(event.id, await fan(user)));
    expect(joined.every((j) => j.state === "waiting" && j.position === null)).toBe(true);

    const before = await json<{ seed: string | null; seedHash: string }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(before.seed).toBeNull();

    await queueTravel(event.id, 3_600_000 + 1);
    await travel(event.id, 3_600_000 + 1);
    const draw = await json<{ seed: string; seedHash: string; earlyCount: number }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(draw.seedHash).toBe(before.seedHash);
    expect(await sha256Hex(draw.seed)).toBe(draw.seedHash);
    expect(draw.earlyCount).toBe(12);

    const ranks: number[] = [];
    for (const [i, user] of users.entries()) {
      const ticket = await verifyTicket(env, joined[i]?.queueTicket ?? "", user, event.id);
      expect(ticket?.place.kind).toBe("early");
      const rank = ticket?.place.kind === "early" ? ticket.place.rank : -1;
      expect(rank).toBe(await lotteryRank(draw.seed, user));
      ranks.push(rank);
    }
    const order = users.map((u, i) => ({ u, r: ranks[i] ?? 0 })).sort((a, b) => a.r - b.r).map((x) => x.u);
    expect(new Set(order)).toEqual(new Set(users));

    // Once open, people ahead follow the lottery order.
    const aheads: number[] = [];
    for (const j of joined) aheads.push((await status(event.id, j.queueTicket ?? "")).ahead ?? -1);
    const byRank = users.map((_, i) => i).sort((a, b) => (ranks[a] ?? 0) - (ranks[b] ?? 0));
    const aheadInRankOrder = byRank.map((i) => aheads[i] ?? -1);
    expect(aheadInRankOrder).toEqual([...aheadInRankOrder].sort((a, b) => a - b));

    // A fan who comes after the opening queues behind every early fan.
    const late = await join(event.id, await fan());
    expect(late.ahead).toBeGreaterThanOrEqual(12);
  });

  it("streams position and then the admission", async () => {
    const event = await queuedEvent({});
    const joined = await join(event.id, await fan());
    const res = await call("GET", `/api/events/${event.id}/queue/stream?ticket=${encodeURIComponent(joined.queueTicket ?? "")}`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const stream = new SseReader(res);
    const [first] = await stream.readUntil((e) => e.length >= 1);
    expect(first?.event).toBe("position");
    expect(JSON.parse(first?.data ?? "{}")).toMatchObject({ state: "waiting", position: 1 });
    await runDurableObjectAlarm(queueRoom(event.id));
    const events = await stream.readUntil((e) => e.some((x) => x.event === "admitted"));
    const admitted = JSON.parse(events.find((e) => e.event === "admitted")?.data ?? "{}") as { admissionToken: string };
    expect(admitted.admissionToken.split(".")).toHaveLength(3);
    await stream.close();
  });
});

describe("tokens", () => {
  it("rejects forged, expired and other-event admission tokens", async () => {
    const event = await queuedEvent({});
    const other = await queuedEvent({});
    const userId = "token-holder";
    const token = await fan(userId);
    const forged = await signAdmission({ JWT_SECRET: "someone-elses-secret-0123456789" }, { userId, eventId: event.id, sessionId: "s", expiresAt: Date.now() + 60_000 });
    const expired = await signAdmission(env, { userId, eventId: event.id, sessionId: "s", expiresAt: Date.now() - 1_000 });
    const elsewhere = await signAdmission(env, { userId, eventId: other.id, sessionId: "s", expiresAt: Date.now() + 60_000 });
    const someoneElses = await signAdmission(env, { userId: "another-fan", eventId: event.id, sessionId: "s", expiresAt: Date.now() + 60_000 });
    for (const bad of [forged, expired, elsewhere, someoneElses, "not.a.token"]) {
      await problem(await reserve(token, [event.tickets(0)], { "x-admission-token": bad }), 403);
    }
    const good = await signAdmission(env, { userId, eventId: event.id, sessionId: "s", expiresAt: Date.now() + 60_000 });
    expect((await reserve(token, [event.tickets(0)], { "x-admission-token": good })).status).toBe(201);
  });

  it("rejects forged and other-event queue tickets", async () => {
    const event = await queuedEvent({});
    const other = await queuedEvent({});
    const forged = await signTicket({ JWT_SECRET: "someone-elses-secret-0123456789" }, { userId: "x", eventId: event.id, place: { kind: "late", seq: 0 } });
    const elsewhere = await signTicket(env, { userId: "x", eventId: other.id, place: { kind: "late", seq: 0 } });
    await problem(await call("GET", `/api/events/${event.id}/queue/status?ticket=${forged}`), 403);
    await problem(await call("GET", `/api/events/${event.id}/queue/status?ticket=${elsewhere}`), 403);
  });
});

describe("one fan, one place", () => {
  it("joining again from another tab or device, without the ticket, returns the same place, and counts count fans", async () => {
    const event = await queuedEvent({ batchSize: 1 });
    const [a, b] = [await fan(), await fan()];
    const first = await join(event.id, a);
    await join(event.id, b);
    for (let i = 0; i < 5; i++) {
      const again = await join(event.id, a);
      expect(again.position).toBe(1);
      expect(again.queueTicket && (await verifyTicket(env, again.queueTicket, undefined, event.id))?.place).toEqual(
        first.queueTicket ? (await verifyTicket(env, first.queueTicket, undefined, event.id))?.place : undefined,
      );
    }
    const late = await join(event.id, await fan());
    expect(late.ahead).toBe(2);
    const draw = await json<{ lateCount: number }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(draw.lateCount).toBe(3);
  });

  it("before the sale, a flood of joins from one account is one lottery entry", async () => {
    const event = await queuedEvent({}, new Date(Date.now() + 3_600_000).toISOString());
    const flooder = await fan();
    const places = await Promise.all(Array.from({ length: 50 }, () => join(event.id, flooder)));
    expect(places.every((p) => p.state === "waiting" && p.position === null && typeof p.opensAt === "string")).toBe(true);
    await join(event.id, await fan());
    const draw = await json<{ earlyCount: number }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(draw.earlyCount).toBe(2);
  });

  it("a session that ended cannot be revived with its old ticket, and joining again puts the fan at the back", async () => {
    const event = await queuedEvent({ batchSize: 1, maxActive: 10 });
    const token = await fan();
    const first = await join(event.id, token);
    const others = [await fan(), await fan()];
    for (const other of others) await join(event.id, other);
    await runDurableObjectAlarm(queueRoom(event.id));
    const admitted = await status(event.id, first.queueTicket ?? "");
    expect(admitted.state).toBe("admitted");
    const held = await json<{ holdId: string }>(await reserve(token, [event.tickets(0)], { "x-admission-token": admitted.admissionToken ?? "" }), 201);
    await call("DELETE", `/api/booking/holds/${held.holdId}`, { token });

    const after = await status(event.id, first.queueTicket ?? "");
    expect(after).toMatchObject({ state: "ended", reason: "released" });
    expect(after.admissionToken).toBeUndefined();
    const rejoined = await join(event.id, token);
    expect(rejoined.state).toBe("waiting");
    expect(rejoined.ahead).toBe(2);
    // The old ticket stays ended even now that the fan is back in line.
    expect((await status(event.id, first.queueTicket ?? "")).state).toBe("ended");
  });

  it("a fan who leaves the line ends their place; leaving twice is a 404", async () => {
    const event = await queuedEvent({});
    const token = await fan();
    const joined = await join(event.id, token);
    expect((await call("DELETE", `/api/events/${event.id}/queue`, { token })).status).toBe(204);
    expect(await status(event.id, joined.queueTicket ?? "")).toMatchObject({ state: "ended", reason: "cancelled" });
    await problem(await call("DELETE", `/api/events/${event.id}/queue`, { token }), 404);
  });

  it("a session that lapses ends, and its slot goes to the next fan", async () => {
    const event = await queuedEvent({ batchSize: 5, maxActive: 1, sessionMinutes: 1 });
    const [a, b] = [await fan(), await fan()];
    const ja = await join(event.id, a);
    const jb = await join(event.id, b);
    await runDurableObjectAlarm(queueRoom(event.id));
    expect((await status(event.id, ja.queueTicket ?? "")).state).toBe("admitted");
    expect((await status(event.id, jb.queueTicket ?? "")).state).toBe("waiting");
    await queueTravel(event.id, 61_000);
    await runDurableObjectAlarm(queueRoom(event.id));
    expect(await status(event.id, ja.queueTicket ?? "")).toMatchObject({ state: "ended", reason: "lapsed" });
    expect((await status(event.id, jb.queueTicket ?? "")).state).toBe("admitted");
  });

  it("a paused queue admits no one and a closed one takes no one in", async () => {
    const event = await queuedEvent({ paused: true });
    const joined = await join(event.id, await fan());
    await runDurableObjectAlarm(queueRoom(event.id));
    expect((await status(event.id, joined.queueTicket ?? "")).state).toBe("paused");
    const { organizer } = event;
    await json(await call("PATCH", `/api/events/${event.id}`, { token: organizer, body: { queue: { enabled: true, closed: true } } }), 200);
    await problem(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 409);
    expect((await status(event.id, joined.queueTicket ?? "")).state).toBe("closed");
  });

  it("keeps one small row per fan: 20,000 fans joining are 20,000 rows, O(1) each", async () => {
    const event = await queuedEvent({});
    const rows = await runInDurableObject(queueRoom(event.id), async (room, state) => {
      for (let i = 0; i < 20_000; i++) await room.join(event.id, `fan-${i}`);
      for (let i = 0; i < 1_000; i++) await room.join(event.id, `fan-${i}`);
      return state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM fans").one().n;
    });
    expect(rows).toBe(20_000);
    const draw = await json<{ lateCount: number }>(await call("GET", `/api/events/${event.id}/queue/draw`), 200);
    expect(draw.lateCount).toBe(20_000);
  });
});
