import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SeatLedger } from "../../workers/seat-room/seat-ledger";
import { leaveWaitlist } from "../../workers/seat-room/waitlist-steps";
import { query, room, runAlarm, travel } from "../booking-helpers";
import { call, json, problem } from "../helpers";
import { join, queueRoom, queueTravel, status, type Position } from "../queue-helpers";
import { entryOf, joinList, joinRequest, mailFan, soldOutEvent } from "../waitlist-helpers";

interface OutboxRow extends Record<string, unknown> {
  kind: string;
  to_address: string;
  language: string;
  subject: string;
  text: string;
  dedupe_key: string;
}

const outboxOf = (holdId: string) => query<OutboxRow>("select kind, to_address, language, subject, text, dedupe_key from mail_outbox where dedupe_key = $1", [`waitlist-offer:${holdId}`]);

/** The offers whose mail the room has yet to write. */
const pendingNotices = (eventId: string) =>
  runInDurableObject(room(eventId), (_instance, state) =>
    state.storage.sql.exec<{ hold_id: string; attempts: number }>("SELECT hold_id, attempts FROM waitlist_notices").toArray(),
  );

describe("the offer's mail", () => {
  it("is written to the outbox once, to the fan's address and in their language", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const fan = await mailFan();
    await json(await joinRequest(event.id, fan.token, { quantity: 1 }, { "accept-language": "es-MX,es;q=0.9,en;q=0.5" }), 201);
    await returnFloor(0);
    const offer = await entryOf(event.id, fan.token);
    await runAlarm(event.id);
    await runAlarm(event.id);
    const rows = await outboxOf(offer.holdId ?? "");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "waitlist-offer", to_address: fan.email, language: "es" });
    expect(rows[0]?.text).toContain(`/events/${event.id}`);
    expect(await pendingNotices(event.id)).toEqual([]);
  });

  it("waits for the fan's contact and is written once it exists: no offer's mail is lost", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const fan = await mailFan();
    // The room took the entry, but the contact never reached Postgres (the route failed after the room).
    const joined = await room(event.id).joinWaitlist({ eventId: event.id, userId: fan.id, quantity: 1, section: null });
    expect(joined.kind).toBe("joined");
    await returnFloor(0);
    const offer = await entryOf(event.id, fan.token);
    await runAlarm(event.id);
    expect(await outboxOf(offer.holdId ?? "")).toEqual([]);
    const pending = await pendingNotices(event.id);
    expect(pending.map((n) => n.hold_id)).toEqual([offer.holdId]);
    expect(pending[0]?.attempts).toBeGreaterThanOrEqual(1);
    await query("insert into waitlist_entries (event_id, user_id, email, language, quantity) values ($1, $2, $3, 'en', 1)", [event.id, fan.id, fan.email]);
    await travel(event.id, 60_000);
    await runAlarm(event.id);
    expect(await outboxOf(offer.holdId ?? "")).toMatchObject([{ to_address: fan.email, language: "en" }]);
    expect(await pendingNotices(event.id)).toEqual([]);
  });

  it("is not written for an offer that ended before the alarm ran", async () => {
    const { event, floor } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 1);
    const returned = floor[0];
    if (!returned) throw new Error("no floor hold");
    // The release, the offer and the fan leaving in one synchronous step of the room, so no alarm runs in between.
    const offered = await runInDurableObject(room(event.id), async (instance) => {
      await instance.blocks(event.id);
      const ledger = (instance as unknown as { ledger: SeatLedger }).ledger;
      const now = instance.now();
      const held = ledger.state.holds.get(returned.hold.holdId);
      if (!held) throw new Error("no hold");
      ledger.transact(() => ledger.endHold(held, "released", "released", now));
      ledger.offerReturns(now);
      const holdId = ledger.waitlist.entry(fan.id)?.holdId ?? null;
      expect(leaveWaitlist(ledger, fan.id, now).kind).toBe("left");
      return holdId;
    });
    expect(offered).toMatch(/^hd_/);
    await runAlarm(event.id);
    expect(await outboxOf(offered ?? "")).toEqual([]);
    expect(await pendingNotices(event.id)).toEqual([]);
  });
});

describe("the waiting room of a sold-out event", () => {
  it("tells fans still in line that it is sold out, and they can join the waitlist", async () => {
    const { event } = await soldOutEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, batchSize: 1 } } }), 200);
    const first = await mailFan();
    const second = await mailFan();
    await join(event.id, first.token);
    const joined = await join(event.id, second.token);
    expect(joined.state).toBe("waiting");
    await runDurableObjectAlarm(queueRoom(event.id));
    const line = await json<Position & { soldOut?: boolean }>(
      await call("GET", `/api/events/${event.id}/queue/status?ticket=${encodeURIComponent(joined.queueTicket ?? "")}`),
      200,
    );
    expect(line).toMatchObject({ state: "waiting", soldOut: true });
    expect((await joinList(event.id, second.token, 2)).position).toBe(1);
  });

  it("says nothing of sold out while seats are free", async () => {
    const { event, returnFloor } = await soldOutEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, batchSize: 1 } } }), 200);
    await returnFloor(0);
    const first = await mailFan();
    const second = await mailFan();
    await join(event.id, first.token);
    const joined = await join(event.id, second.token);
    await queueTravel(event.id, 2_000);
    await runDurableObjectAlarm(queueRoom(event.id));
    const line = await status(event.id, joined.queueTicket ?? "");
    expect(line.state).toBe("waiting");
    expect((line as Position & { soldOut?: boolean }).soldOut).toBeUndefined();
    // Seats are on sale, so there is no waitlist to join.
    await problem(await joinRequest(event.id, second.token, { quantity: 1 }), 409);
  });
});
