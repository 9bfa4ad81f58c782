/**
 * The mid-sale controls: who may use them, what they do, and the audit each
 * one leaves (one row per action, whichever route it came in by).
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, problem, tokenFor } from "../helpers";
import { checkout, fan, hold, reserve, room, smallEvent } from "../booking-helpers";
import { queuedEvent } from "../queue-helpers";
import type { AuditEntry, OpsFigures } from "../../src/shared/ops";

const post = (eventId: string, control: string, token: string, body: Record<string, unknown>) => call("POST", `/api/events/${eventId}/ops/${control}`, { token, body });
const audit = async (eventId: string, token: string, query = "") => json<{ entries: AuditEntry[]; nextCursor: string | null }>(await call("GET", `/api/events/${eventId}/ops/audit${query}`, { token }), 200);
const holdView = async (holdId: string, token: string) => json<{ state: string; expiresAt: string }>(await call("GET", `/api/booking/holds/${holdId}`, { token }), 200);

describe("pausing sales", () => {
  it("refuses new holds with 503 and Retry-After, lets holds already made go on to checkout, and resumes", async () => {
    const event = await smallEvent();
    const early = await fan();
    const before = await hold(early, [event.tickets(0)]);

    const paused = await json<{ paused: { reason: string; by: string; retryAfterSeconds: number } }>(await post(event.id, "pause", event.organizer, { reason: "payment provider incident", retryAfterSeconds: 90 }), 200);
    expect(paused.paused).toMatchObject({ reason: "payment provider incident", retryAfterSeconds: 90 });

    const refused = await reserve(await fan(), [event.tickets(1)]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("90");
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    // The fan who held before the pause carries on.
    expect((await checkout(early, before.holdId)).paymentIntentId).toMatch(/^pi_/);

    const figures = await json<OpsFigures>(await call("GET", `/api/events/${event.id}/ops`, { token: event.organizer }), 200);
    expect(figures.seatRoom?.paused).toMatchObject({ reason: "payment provider incident" });
    expect(figures.seatRoom?.health.rejected.paused).toBe(1);

    expect(await json(await post(event.id, "resume", event.organizer, { reason: "provider back" }), 200)).toEqual({ paused: null });
    expect((await reserve(await fan(), [event.tickets(1)])).status).toBe(201);

    const { entries } = await audit(event.id, event.organizer);
    expect(entries.map((e) => e.action)).toEqual(["sales_resumed", "sales_paused"]);
    expect(entries[1]).toMatchObject({ reason: "payment provider incident", before: null, after: { reason: "payment provider incident", retryAfterSeconds: 90 } });
    expect(entries[0]).toMatchObject({ reason: "provider back", after: null, before: { reason: "payment provider incident" } });
    expect(entries[0]?.actor).toMatch(/^organizer-/);
    expect(entries[0]?.requestId).toBeTruthy();
  });

  it("stays paused when the room restarts (the pause is stored)", async () => {
    const event = await smallEvent();
    await json(await post(event.id, "pause", event.organizer, { reason: "incident" }), 200);
    // As after an eviction: the room forgets its memory and reads its state back from SQLite.
    await runInDurableObject(room(event.id), (instance) => {
      Object.assign(instance, { ledger: undefined, pause: null });
    });
    const refused = await reserve(await fan(), [event.tickets(2)]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("60");
  });
});

describe("extending holds", () => {
  it("gives every live hold N more minutes, and not ended ones", async () => {
    const event = await smallEvent();
    const a = await fan();
    const b = await fan();
    const c = await fan();
    const held = await hold(a, [event.tickets(0)]);
    const paying = await hold(b, [event.tickets(1)]);
    await checkout(b, paying.holdId);
    const gone = await hold(c, [event.tickets(2)]);
    expect((await call("DELETE", `/api/booking/holds/${gone.holdId}`, { token: c })).status).toBe(204);
    const beforeA = Date.parse((await holdView(held.holdId, a)).expiresAt);
    const beforeB = Date.parse((await holdView(paying.holdId, b)).expiresAt);

    const extended = await json<{ holds: number; seats: number }>(await post(event.id, "extend-holds", event.organizer, { minutes: 5, reason: "checkout outage 14:02-14:07" }), 200);
    expect(extended).toMatchObject({ holds: 2, seats: 2 });
    expect(Date.parse((await holdView(held.holdId, a)).expiresAt) - beforeA).toBe(5 * 60_000);
    expect(Date.parse((await holdView(paying.holdId, b)).expiresAt) - beforeB).toBe(5 * 60_000);
    expect((await holdView(gone.holdId, c)).state).toBe("released");

    const [entry] = (await audit(event.id, event.organizer)).entries;
    expect(entry).toMatchObject({ action: "holds_extended", reason: "checkout outage 14:02-14:07", after: { minutes: 5, holds: 2, seats: 2 } });
  });

  it("refuses minutes out of range with a 400 problem, and audits nothing", async () => {
    const event = await smallEvent();
    await problem(await post(event.id, "extend-holds", event.organizer, { minutes: 0, reason: "x" }), 400);
    await problem(await post(event.id, "extend-holds", event.organizer, { minutes: 61, reason: "x" }), 400);
    await problem(await post(event.id, "extend-holds", event.organizer, { minutes: 5 }), 400);
    expect((await audit(event.id, event.organizer)).entries).toEqual([]);
  });
});

describe("the waiting room mid-sale", () => {
  it("changes the admission rate, pauses admission and closes the queue through the event's own change, audited", async () => {
    const event = await queuedEvent({ batchSize: 100 });
    const changed = await json<{ queue: Record<string, unknown> }>(await post(event.id, "queue", event.organizer, { batchSize: 25, tickSeconds: 5, paused: true, reason: "slow the line" }), 200);
    expect(changed.queue).toMatchObject({ enabled: true, batchSize: 25, tickSeconds: 5, paused: true });
    const figures = await json<OpsFigures>(await call("GET", `/api/events/${event.id}/ops`, { token: event.organizer }), 200);
    expect(figures.queue?.settings).toMatchObject({ batchSize: 25, tickSeconds: 5, paused: true, closed: false });

    await json(await post(event.id, "queue", event.organizer, { closed: true }), 200);
    const joined = await call("POST", `/api/events/${event.id}/queue`, { token: await fan() });
    expect(joined.status).toBe(409);

    const { entries } = await audit(event.id, event.organizer);
    // The organizer's PATCH that turned the queue on is in the same audit, as the same action.
    expect(entries.map((e) => e.action)).toEqual(["queue_changed", "queue_changed", "queue_changed"]);
    expect(entries[1]).toMatchObject({ reason: "slow the line", before: { queue: { enabled: true, batchSize: 100 } }, after: { queue: { batchSize: 25, paused: true } } });
  });

  it("a setting that already has the value changes nothing and audits nothing", async () => {
    const event = await queuedEvent({ batchSize: 40 });
    const before = (await audit(event.id, event.organizer)).entries.length;
    expect(await json(await post(event.id, "queue", event.organizer, { batchSize: 40 }), 200)).toMatchObject({ changed: false, queue: { batchSize: 40 } });
    expect((await audit(event.id, event.organizer)).entries).toHaveLength(before);
    expect(await json(await post(event.id, "queue", event.organizer, { batchSize: 41 }), 200)).toMatchObject({ changed: true, queue: { batchSize: 41 } });
    expect((await audit(event.id, event.organizer)).entries).toHaveLength(before + 1);
  });

  it("is a 409 for an event without a waiting room, and a 400 with nothing to change", async () => {
    const event = await smallEvent();
    await problem(await post(event.id, "queue", event.organizer, { batchSize: 10 }), 409);
    const queued = await queuedEvent({});
    await problem(await post(queued.id, "queue", queued.organizer, {}), 400);
    await problem(await post(queued.id, "queue", queued.organizer, { enabled: false }), 400);
  });
});

describe("one audit for every door", () => {
  it("blocks made and released through the box office's routes, and event changes, are audited", async () => {
    const event = await smallEvent();
    const block = await json<{ blockId: string }>(await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body: { ticketIds: [event.tickets(6), event.tickets(7)], reason: "camera platform" } }), 201);
    await json(await call("DELETE", `/api/events/${event.id}/blocks/${block.blockId}`, { token: event.organizer }), 200);
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { name: "Renamed show" } }), 200);
    const { entries } = await audit(event.id, event.organizer);
    expect(entries.map((e) => e.action)).toEqual(["event_changed", "block_released", "seats_blocked"]);
    expect(entries[0]).toMatchObject({ after: { name: "Renamed show" } });
    expect(entries[2]).toMatchObject({ reason: "camera platform", after: { blockId: block.blockId, seats: 2 } });
  });

  it("a refused action is audited as failed, with the reason it was refused", async () => {
    const event = await smallEvent();
    const token = await fan();
    await hold(token, [event.tickets(3)]);
    await problem(await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body: { ticketIds: [event.tickets(3)], reason: "vip" } }), 409);
    const [entry] = (await audit(event.id, event.organizer)).entries;
    expect(entry).toMatchObject({ action: "seats_blocked", after: { state: "failed" } });
    expect(String((entry?.after as { message?: string }).message)).toContain("sold, held or blocked already");
  });

  it("pages the audit newest first with a cursor", async () => {
    const event = await smallEvent();
    for (let i = 0; i < 5; i++) await json(await post(event.id, i % 2 ? "resume" : "pause", event.organizer, { reason: `step ${i}` }), 200);
    const first = await audit(event.id, event.organizer, "?limit=2");
    expect(first.entries.map((e) => e.reason)).toEqual(["step 4", "step 3"]);
    const second = await audit(event.id, event.organizer, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.reason)).toEqual(["step 2", "step 1"]);
    const third = await audit(event.id, event.organizer, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.entries.map((e) => e.reason)).toEqual(["step 0"]);
    expect(third.nextCursor).toBeNull();
    await problem(await call("GET", `/api/events/${event.id}/ops/audit?cursor=garbage`, { token: event.organizer }), 400);
  });
});

describe("who may use the controls", () => {
  it("only the event's organizers and admins: another org 404, a fan or the door 403, nobody 401; nothing changes", async () => {
    const event = await smallEvent();
    const rival = await tokenFor("rival-organizer", ["organizer"], "rival-org");
    const cases: [string | undefined, number][] = [
      [rival, 404],
      [await fan(), 403],
      [await tokenFor("door-staff", ["door"], "rival-org"), 403],
      [undefined, 401],
    ];
    for (const [token, status] of cases) {
      for (const [control, body] of [
        ["pause", { reason: "x" }],
        ["resume", {}],
        ["extend-holds", { minutes: 5, reason: "x" }],
        ["queue", { batchSize: 1 }],
      ] as const) {
        await problem(await call("POST", `/api/events/${event.id}/ops/${control}`, { ...(token ? { token } : {}), body }), status);
      }
      await problem(await call("GET", `/api/events/${event.id}/ops/audit`, token ? { token } : {}), status);
    }
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
    expect((await audit(event.id, event.organizer)).entries).toEqual([]);
    // An admin acts on any org's event.
    await json(await post(event.id, "pause", await tokenFor("platform-admin", ["admin"], "platform"), { reason: "platform-wide incident" }), 200);
    expect((await audit(event.id, event.organizer)).entries[0]?.actor).toBe("platform-admin");
  });
});
