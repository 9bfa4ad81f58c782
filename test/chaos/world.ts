/**
 * The chaos harness: one small event, a few fans, and a schedule played
 * against the real Worker inside workerd, with the simulated card network's
 * events delivered now, later, twice or out of order, rooms evicted, the
 * room's clock jumped, and Postgres or the payment provider made
 * unreachable for a while. `drain` then does what time and Stripe would:
 * every outage ends, every event is delivered (failed deliveries again),
 * the clock passes every expiry and the room's alarm runs until nothing is
 * due. `check` runs the invariant checker and adds what the harness itself
 * saw (a 5xx outside an outage, a hold that outlived its window).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { call, evictRooms, json, makeEvent, organizerToken, tokenFor, word } from "../helpers";
import { invariants, outbox, room, runAlarm, type Delivery, type HoldBody } from "../booking-helpers";
import { FANS, PER_FAN, type Step } from "./schedule";

const MINUTE = 60_000;
const iso = (t: number) => new Date(t).toISOString();
const DAY = 86_400_000;
const TTL = 600_000;
const GRACE = 120_000;

/** The fan's latest hold as the harness saw it, and the latest expiry its window allows (start + time to live + one grace). */
interface Window {
  holdId: string;
  expiresAt: number;
  deadline: number;
}

interface Fan {
  name: string;
  token: string;
  holdId?: string;
  seats?: number[];
  intents: string[];
  window?: Window;
  /** Observations of this fan's holds, one at a time (their checks await the room). */
  observing: Promise<void>;
}

export class World {
  private offset = 0;
  private pending: string[] = [];
  private delivered: string[] = [];
  private postgresDown = false;
  private providerDown = false;
  readonly problems: string[] = [];
  /** What the schedule achieved, so a run that did nothing shows as such. */
  readonly stats = { steps: 0, holds: 0, checkouts: 0, deliveries: 0, failures: 0 };

  private constructor(
    readonly eventId: string,
    private readonly fans: Fan[],
  ) {}

  static async create(): Promise<World> {
    const event = await makeEvent(await organizerToken(), { perUserLimit: PER_FAN, startsAt: new Date(Date.now() + 5 * DAY).toISOString() });
    const fans = await Promise.all(
      Array.from({ length: FANS }, async (_, i) => {
        const name = `chaos-${word(6)}-${i}`;
        return { name, token: await tokenFor(name, ["fan"]), intents: [], observing: Promise.resolve() };
      }),
    );
    return new World(event.id, fans);
  }

  async run(steps: Step[]): Promise<void> {
    for (const step of steps) await this.step(step);
  }

  /** What time and Stripe would do next: outages end, every event arrives, every hold lapses, every alarm runs. */
  async drain(): Promise<void> {
    await this.setPostgres(true);
    await this.setProvider(true);
    await this.setClock();
    for (let round = 0; round < 12; round++) {
      const undelivered = new Set(this.pending);
      this.pending = [];
      for (const id of await this.outboxUndelivered()) undelivered.add(id);
      for (const id of undelivered) await this.deliverOne(id);
      this.offset += round === 0 ? DAY : 30 * MINUTE;
      await this.setClock();
      await runAlarm(this.eventId);
      const inspection = await room(this.eventId).inspect(this.eventId);
      const quiet = (inspection?.paymentsDue.length ?? 0) === 0 && this.pending.length === 0 && (await this.outboxUndelivered()).length === 0;
      if (round > 0 && quiet) return;
    }
    this.problems.push("the world did not settle in 12 rounds of deliveries and alarms");
  }

  async check(): Promise<string[]> {
    const report = await invariants(this.eventId, true);
    const booked = await json<{ availability: { sold: number } }>(await call("GET", `/api/events/${this.eventId}`), 200);
    console.log(`chaos: ${this.eventId} ${JSON.stringify({ ...this.stats, sold: booked.availability.sold })}`);
    return [...report.violations.map((v) => `${v.invariant}: ${v.detail}`), ...this.problems];
  }

  /** Leaves Postgres and the provider up, whatever happened. */
  async cleanup(): Promise<void> {
    await this.setPostgres(true).catch(() => {});
    await this.setProvider(true).catch(() => {});
  }

  private async step(step: Step): Promise<void> {
    this.stats.steps += 1;
    switch (step.op) {
      case "buy": {
        // A fan goes through the whole checkout: hold, pay, and the card answers now, later or never.
        const fan = this.fan(step.fan);
        await this.reserve(fan, step.seats);
        await this.confirm(fan);
        if (step.card !== "never") await this.card(fan, "authorize", step.card);
        return;
      }
      case "reserve":
        return this.reserve(this.fan(step.fan), step.seats);
      case "rereserve": {
        const fan = this.fan(step.fan);
        return fan.seats ? this.reserve(fan, fan.seats) : undefined;
      }
      case "release": {
        const fan = this.fan(step.fan);
        if (!fan.holdId) return;
        const res = await call("DELETE", `/api/booking/holds/${fan.holdId}`, { token: fan.token });
        await this.expect(res, "release");
        return;
      }
      case "confirm":
        return this.confirm(this.fan(step.fan));
      case "confirmTwice": {
        const fan = this.fan(step.fan);
        await Promise.all([this.confirm(fan), this.confirm(fan)]);
        return;
      }
      case "authorize":
        return this.card(this.fan(step.fan), "authorize", step.deliver);
      case "decline":
        return this.card(this.fan(step.fan), "fail", "later");
      case "providerCancel":
        return this.card(this.fan(step.fan), "cancel", "later");
      case "deliver": {
        if (this.pending.length === 0) return;
        const [id] = this.pending.splice(step.pick % this.pending.length, 1);
        if (id) await this.deliverOne(id);
        return;
      }
      case "redeliver": {
        const id = this.delivered[step.pick % Math.max(1, this.delivered.length)];
        if (id) await this.deliverOne(id);
        return;
      }
      case "alarm":
        try {
          await runAlarm(this.eventId);
        } catch (error) {
          this.problems.push(`the room's alarm threw: ${String(error)}`);
        }
        return;
      case "evict":
        // Only this event's room: each construction of a Durable Object adds a layer to the test pool's
        // prototype proxy (vitest-pool-workers 0.15), so evicting every room of every run would slow and
        // finally overflow the stack.
        await evictRooms(room(this.eventId));
        return this.setClock();
      case "clock":
        this.offset += step.ms;
        return this.setClock();
      case "postgres":
        return this.setPostgres(step.up);
      case "provider":
        return this.setProvider(step.up);
      case "parallel":
        await Promise.all(step.steps.map((s) => this.step(s)));
        return;
    }
  }

  private fan(i: number): Fan {
    const fan = this.fans[i % this.fans.length];
    if (!fan) throw new Error("no fans");
    return fan;
  }

  private roomNow(): number {
    return Date.now() + this.offset;
  }

  private async reserve(fan: Fan, seats: number[]): Promise<void> {
    const t0 = this.roomNow();
    const res = await call("POST", "/api/booking/reserve", { token: fan.token, body: { ticketIds: seats.map((s) => `${this.eventId}.${s}`) } });
    const t1 = this.roomNow();
    if (res.status !== 201) return this.expect(res, "reserve");
    const hold = await json<HoldBody>(res, 201);
    this.stats.holds += 1;
    fan.holdId = hold.holdId;
    fan.seats = seats;
    await this.observeHold(fan, hold.holdId, Date.parse(hold.expiresAt), t0, t1);
  }

  private async confirm(fan: Fan): Promise<void> {
    const holdId = fan.holdId;
    if (!holdId) return;
    const res = await call("PUT", "/api/booking/confirm", { token: fan.token, body: { holdId } });
    if (res.status !== 200) return this.expect(res, "confirm");
    const body = await json<{ paymentIntentId: string; expiresAt: string }>(res, 200);
    if (!fan.intents.includes(body.paymentIntentId)) fan.intents.push(body.paymentIntentId);
    this.stats.checkouts += 1;
    this.observeCheckout(fan, holdId, Date.parse(body.expiresAt));
  }

  /** The card network acts on the fan's latest payment. */
  private async card(fan: Fan, action: "authorize" | "fail" | "cancel", deliver: "now" | "later"): Promise<void> {
    const intent = fan.intents.at(-1);
    if (!intent) return;
    const res = await call("POST", `/api/dev/payments/${intent}/${action}?deliver=${deliver}`);
    if (res.status !== 200) return this.expect(res, `card ${action}`);
    const body = await json<{ events: { stripeEventId: string }[]; delivered: Delivery[] }>(res, 200);
    if (deliver === "later") this.pending.push(...body.events.map((e) => e.stripeEventId));
    for (const delivery of body.delivered) this.noteDelivery(delivery);
  }

  private async deliverOne(stripeEventId: string): Promise<void> {
    const res = await call("POST", `/api/dev/payments/events/${stripeEventId}/deliver`);
    if (res.status !== 200) {
      await this.expect(res, "delivery");
      this.pending.push(stripeEventId);
      return;
    }
    this.noteDelivery(await json<Delivery>(res, 200));
  }

  /** A failed delivery is retried later, as Stripe does; a 5xx outside an outage is a problem. */
  private noteDelivery(delivery: Delivery): void {
    this.stats.deliveries += 1;
    if (delivery.webhookStatus === 200) {
      if (!this.delivered.includes(delivery.stripeEventId)) this.delivered.push(delivery.stripeEventId);
      if (delivery.webhook.outcome === "anomaly") this.problems.push(`webhook ${delivery.type} ended in an anomaly: ${JSON.stringify(delivery.webhook.state)}`);
      return;
    }
    this.pending.push(delivery.stripeEventId);
    if (delivery.webhookStatus !== 503 || !this.outage()) this.problems.push(`webhook ${delivery.type} answered ${delivery.webhookStatus} with no outage on`);
  }

  /**
   * A fan cannot extend their own hold: when the fan's previous hold was
   * still in its window and the fan replaced or released it (it is held or
   * released now), the new hold keeps exactly its expiry. Otherwise a new
   * window starts (the last one lapsed, or ended without the fan: booked,
   * displaced, voided, given up), and no hold lasts longer than the time to
   * live from its reserve.
   */
  private async observeHold(fan: Fan, holdId: string, expiresAt: number, t0: number, t1: number): Promise<void> {
    const check = fan.observing.then(async () => {
      const previous = fan.window;
      if (previous && previous.holdId !== holdId) {
        const before = await this.holdView(fan, previous.holdId);
        if (before && (before.state === "held" || before.state === "released") && before.expiresAt > t0) {
          // The fan replaced or released a hold still in its window: the same window, the same expiry.
          if (expiresAt !== before.expiresAt) {
            this.problems.push(`${fan.name} replaced or released hold ${previous.holdId} (until ${iso(before.expiresAt)}) and got ${holdId} until ${iso(expiresAt)}`);
          }
          if (expiresAt > previous.deadline) this.problems.push(`${fan.name}'s hold ${holdId} runs until ${iso(expiresAt)}, past its window's ${iso(previous.deadline)}`);
          fan.window = { holdId, expiresAt, deadline: previous.deadline };
          return;
        }
      }
      // A new window: no longer than the time to live from the reserve.
      if (expiresAt > t1 + TTL) this.problems.push(`${fan.name} got hold ${holdId} until ${iso(expiresAt)}, longer than ${TTL} ms`);
      fan.window = { holdId, expiresAt, deadline: t1 + TTL + GRACE };
    });
    fan.observing = check;
    await check;
  }

  /** Checkout extends a hold at most to its window's deadline (the one grace). */
  private observeCheckout(fan: Fan, holdId: string | undefined, expiresAt: number): void {
    const window = fan.window;
    if (!window || window.holdId !== holdId) return;
    if (expiresAt > window.deadline) this.problems.push(`${fan.name}'s checkout of ${holdId} runs until ${iso(expiresAt)}, past its window's ${iso(window.deadline)}`);
    window.expiresAt = Math.max(window.expiresAt, expiresAt);
  }

  private async holdView(fan: Fan, holdId: string): Promise<{ state: string; expiresAt: number } | undefined> {
    const res = await call("GET", `/api/booking/holds/${holdId}`, { token: fan.token });
    if (res.status !== 200) {
      await res.body?.cancel();
      return undefined;
    }
    const view = await json<{ state: string; expiresAt: string }>(res, 200);
    return { state: view.state, expiresAt: Date.parse(view.expiresAt) };
  }

  private outage(): boolean {
    return this.postgresDown || this.providerDown;
  }

  /** 2xx–4xx are answers; 503 is an answer during an outage; anything else is a problem. */
  private async expect(res: Response, what: string): Promise<void> {
    const text = await res.text();
    if (res.status >= 500) this.stats.failures += 1;
    if (res.status < 500) return;
    if (res.status === 503 && this.outage()) return;
    this.problems.push(`${what} answered ${res.status}${this.outage() ? " during an outage" : ""}: ${text.slice(0, 200)}`);
  }

  private async outboxUndelivered(): Promise<string[]> {
    const ids: string[] = [];
    for (const intent of new Set(this.fans.flatMap((f) => f.intents))) {
      for (const event of await outbox(intent)) if (event.deliveries === 0) ids.push(event.stripeEventId);
    }
    return ids;
  }

  private async setClock(): Promise<void> {
    const offset = this.offset;
    await runInDurableObject(room(this.eventId), (instance) => {
      instance.now = () => Date.now() + offset;
    });
  }

  private async setPostgres(up: boolean): Promise<void> {
    const res = await fetch(`http://${env.NEON_LOCAL_PROXY}/faults`, { method: "POST", body: JSON.stringify({ postgres: up ? "up" : "down" }) });
    if (!res.ok) throw new Error(`the proxy refused the fault: ${res.status}`);
    await res.body?.cancel();
    this.postgresDown = !up;
  }

  private async setProvider(up: boolean): Promise<void> {
    const res = await call("POST", "/api/dev/payments/outage", { body: { seconds: up ? 0 : 3600, eventId: this.eventId } });
    if (res.status === 200) this.providerDown = !up;
    await res.body?.cancel();
  }
}
