import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { instanceId } from "../../src/lifecycle/cancellation";
import { atCheckout, checkout, fan, hold, intentRow, invariants, pay, providerOutage, query, reserve, runAlarm, smallEvent } from "../booking-helpers";
import { call, json, problem, search, tokenFor, word } from "../helpers";
import { join } from "../queue-helpers";

interface Progress {
  status: "cancelling" | "done";
  bookings: number;
  refunded: number;
  failed: number;
}

type Event = Awaited<ReturnType<typeof smallEvent>>;

/** A fan books `seats` of the event; returns the payment's id. */
async function book(event: Event, seats: number[]): Promise<string> {
  const token = await fan();
  const h = await hold(token, seats.map((s) => event.tickets(s)));
  const { paymentIntentId } = await checkout(token, h.holdId);
  await pay(paymentIntentId);
  return paymentIntentId;
}

const cancel = (event: Event, reason = "the artist is ill") => call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason } });
const progress = async (event: Event) => json<Progress>(await call("GET", `/api/events/${event.id}/cancellation`, { token: event.organizer }), 200);

describe("cancelling an event", () => {
  it("stops sales at once, ends open holds, and refunds every booking in a durable job", async () => {
    const event = await smallEvent({ name: `Doomed ${word(6)}` });
    const paid = [await book(event, [0, 1]), await book(event, [8])];
    const holder = await fan();
    const open = await hold(holder, [event.tickets(3)]);
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await job.modify(async (m) => {
      await m.disableSleeps();
    });

    const started = await json<Progress>(await cancel(event), 202);
    expect(started.status).toMatch(/cancelling|done/);
    // Sales stop at once.
    const refused = await problem(await reserve(await fan(), [event.tickets(5)]), 409);
    expect(refused.detail).toContain("cancelled");
    expect((await json<{ state: string }>(await call("GET", `/api/booking/holds/${open.holdId}`, { token: holder }), 200)).state).toBe("released");
    await problem(await call("GET", `/api/events/${event.id}/best-available?count=1`), 409);

    await job.waitForStatus("complete");
    expect(await progress(event)).toMatchObject({ status: "done", bookings: 2, refunded: 2, failed: 0 });
    for (const pi of paid) expect(await intentRow(pi)).toMatchObject({ status: "succeeded", amount_refunded: (await intentRow(pi)).amount_received });
    const statuses = await query<{ status: string }>("select status from bookings where event_id = $1", [event.id]);
    expect(statuses.map((b) => b.status)).toEqual(["refunded", "refunded"]);
    expect((await invariants(event.id, false)).violations).toEqual([]);

    // A cancelled event says so, and search leaves it out unless asked.
    expect((await json<{ status: string }>(await call("GET", `/api/events/${event.id}`), 200)).status).toBe("cancelled");
    const page = await call("GET", `/events/${event.id}`);
    expect(await page.text()).toContain("This event has been cancelled");
    const name = `Doomed`;
    expect((await search({ term: name, limit: 100 })).results.map((r) => r.id)).not.toContain(event.id);
    expect((await search({ term: name, limit: 100, includeCancelled: "true" })).results.map((r) => r.id)).toContain(event.id);
  });

  it("a payment in checkout when the sale stops is cancelled, never charged", async () => {
    const { event, paymentIntentId } = await atCheckout([4]);
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await json(await cancel(event as Event), 202);
    await runAlarm(event.id);
    expect((await intentRow(paymentIntentId)).status).toBe("canceled");
    await job.waitForStatus("complete");
  });

  it("asking twice is harmless; a cancelled event can no longer change", async () => {
    const event = await smallEvent();
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await json(await cancel(event), 202);
    await json(await cancel(event, "again"), 202);
    await job.waitForStatus("complete");
    const [row] = await query<{ generation: number; reason: string }>("select generation, reason from event_cancellations where event_id = $1", [event.id]);
    expect(row).toEqual({ generation: 1, reason: "the artist is ill" });
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { name: "Back on" } }), 409);
  });

  it("closes the waiting room", async () => {
    const event = await smallEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true } } }), 200);
    const early = await join(event.id, await fan());
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await json(await cancel(event), 202);
    await problem(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 409);
    const seen = await json<{ state: string }>(await call("GET", `/api/events/${event.id}/queue/status?ticket=${encodeURIComponent(early.queueTicket ?? "")}`), 200);
    expect(seen.state).toBe("closed");
    await job.waitForStatus("complete");
  });
});

describe("the refund job survives failures", () => {
  it("a provider outage mid-cancellation: the failed step is retried and every booking is refunded once", async () => {
    const event = await smallEvent();
    const paid = await book(event, [2]);
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await providerOutage(event.id, 2);
    await json(await cancel(event), 202);
    // The first attempt meets the outage; the retry (after its backoff) finds the provider back.
    await job.waitForStatus("complete");
    expect(await progress(event)).toMatchObject({ status: "done", refunded: 1, failed: 0 });
    expect((await intentRow(paid)).amount_refunded).toBe(5_000);
    const refunds = await query<{ n: number }>("select count(*)::int as n from refunds where event_id = $1", [event.id]);
    expect(refunds[0]?.n).toBe(1);
  });

  it("an instance that gave up is replaced by the room's watchdog, which finishes the job", async () => {
    const event = await smallEvent();
    const paid = await book(event, [5]);
    await using first = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await first.modify(async (m) => {
      await m.disableRetryDelays();
    });
    await providerOutage(event.id, 600);
    await json(await cancel(event), 202);
    await first.waitForStatus("errored");
    expect((await progress(event)).status).toBe("cancelling");
    await providerOutage(event.id, 0);
    await using second = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 2));
    await runAlarm(event.id);
    await second.waitForStatus("complete");
    expect(await progress(event)).toMatchObject({ status: "done", refunded: 1 });
    expect((await intentRow(paid)).amount_refunded).toBe(5_000);
  });

  it("an instance that is gone (a local restart lost it) is replaced too", async () => {
    const event = await smallEvent();
    await book(event, [6]);
    await using first = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await first.modify(async (m) => {
      await m.disableRetryDelays();
    });
    await providerOutage(event.id, 600);
    await json(await cancel(event), 202);
    await first.waitForStatus("errored");
    await providerOutage(event.id, 0);
    // As if the job's instance were lost: the row names a generation no instance has.
    await query("update event_cancellations set generation = 7 where event_id = $1", [event.id]);
    await using replacement = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 8));
    await runAlarm(event.id);
    await replacement.waitForStatus("complete");
    expect((await progress(event)).status).toBe("done");
  });
});

describe("who may cancel", () => {
  it("only the event's org: another org 404, a fan 403, no token 401; an event not cancelled has no cancellation (404)", async () => {
    const event = await smallEvent();
    const rival = await tokenFor(`rival-${word(6)}`, ["organizer"], `org-${word(8)}`);
    const fanToken = await fan();
    for (const [token, status] of [[rival, 404], [fanToken, 403], [undefined, 401]] as const) {
      const options = token ? { token } : {};
      await problem(await call("POST", `/api/events/${event.id}/cancel`, { ...options, body: { reason: "x" } }), status);
      await problem(await call("GET", `/api/events/${event.id}/cancellation`, options), status);
    }
    await problem(await call("GET", `/api/events/${event.id}/cancellation`, { token: event.organizer }), 404);
    await problem(await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: {} }), 400);
    expect((await json<{ status: string }>(await call("GET", `/api/events/${event.id}`), 200)).status).toBe("scheduled");
  });
});
