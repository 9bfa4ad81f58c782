/**
 * The simulated payment provider: Stripe-shaped PaymentIntents kept in
 * Postgres (`simulated_payment_intents`), for local development and tests
 * without keys. Every change is a conditional update (a compare-and-set on
 * the intent's status, as Stripe's own state machine is) and writes, in the
 * same transaction, the event Stripe would send into an outbox
 * (`simulated_payment_events`). The dev routes play the card network
 * (authorize, decline, an out-of-band capture or cancellation, an outage) and
 * deliver the outbox's events, signed with the stripe library, to the real
 * webhook endpoint: at once, later, twice or out of order. An outage is
 * scoped to one event's payments (or `*`), so a test playing one does not
 * fail the suites running beside it.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { simulatedPaymentEvents, simulatedPaymentIntents, simulatedProviderOutages, simulatedRefunds } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { PaymentError, PaymentUnavailable, type PaymentIntentView, type PaymentProvider, type PaymentStatus, type RefundPart } from "./provider";

type Row = typeof simulatedPaymentIntents.$inferSelect;
type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** The intent, read inside `tx`: a read on another connection would wait for the transaction (the embedded database runs one at a time). */
async function rowIn(tx: Tx, id: string): Promise<Row> {
  const [row] = await tx.select().from(simulatedPaymentIntents).where(eq(simulatedPaymentIntents.id, id));
  if (!row) throw new PaymentError(`no payment intent ${id}`);
  return row;
}

const UNPAID: PaymentStatus[] = ["requires_payment_method", "requires_confirmation", "requires_action"];

export class SimulatedProvider implements PaymentProvider {
  readonly name = "simulated" as const;

  constructor(private readonly db: () => Database) {}

  async createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }) {
    await this.ensureAvailable(input.metadata.eventId);
    const id = `pi_sim_${randomToken(20)}`;
    const [created] = await this.db()
      .insert(simulatedPaymentIntents)
      .values({
        id,
        amount: input.amountCents,
        currency: input.currency,
        status: "requires_payment_method",
        captureMethod: "manual",
        metadata: input.metadata,
        clientSecret: `${id}_secret_${randomToken(20)}`,
        idempotencyKey: input.idempotencyKey,
      })
      .onConflictDoNothing({ target: simulatedPaymentIntents.idempotencyKey })
      .returning();
    if (created) return view(created);
    const [existing] = await this.db().select().from(simulatedPaymentIntents).where(eq(simulatedPaymentIntents.idempotencyKey, input.idempotencyKey));
    if (!existing) throw new PaymentError("idempotent create found no intent");
    return view(existing);
  }

  async retrieve(id: string) {
    const row = await this.find(id);
    if (row) await this.ensureAvailable(row.metadata.eventId);
    return row ? view(row) : undefined;
  }

  /** The card is authorized for the whole amount (what a successful card form does). */
  async authorize(id: string): Promise<PaymentIntentView> {
    return this.transition(id, UNPAID, "requires_capture", { status: "requires_capture", amountCapturable: sql`${simulatedPaymentIntents.amount}` }, "payment_intent.amount_capturable_updated");
  }

  /** The card is declined; the fan may try again while the hold lasts. */
  async decline(id: string): Promise<PaymentIntentView> {
    return this.transition(id, UNPAID, undefined, { status: "requires_payment_method" }, "payment_intent.payment_failed");
  }

  async capture(id: string) {
    await this.ensureAvailable((await this.row(id)).metadata.eventId);
    return this.transition(
      id,
      ["requires_capture"],
      "succeeded",
      { status: "succeeded", amountReceived: sql`${simulatedPaymentIntents.amountCapturable}`, amountCapturable: 0 },
      "payment_intent.succeeded",
    );
  }

  async cancel(id: string) {
    const current = await this.row(id);
    await this.ensureAvailable(current.metadata.eventId);
    if (current.status === "canceled" || current.status === "succeeded") return view(current);
    return this.transition(id, [...UNPAID, "requires_capture", "processing"], "canceled", { status: "canceled", amountCapturable: 0 }, "payment_intent.canceled");
  }

  async refund(id: string, part?: RefundPart) {
    const current = await this.row(id);
    await this.ensureAvailable(current.metadata.eventId);
    if (current.status !== "succeeded") throw new PaymentError(`cannot refund ${id} in status ${current.status}`);
    if (part) return this.refundPart(id, part);
    if (current.amountRefunded >= current.amountReceived) return view(current);
    return this.db().transaction(async (tx) => {
      const [updated] = await tx
        .update(simulatedPaymentIntents)
        .set({ amountRefunded: sql`${simulatedPaymentIntents.amountReceived}` })
        .where(and(eq(simulatedPaymentIntents.id, id), sql`${simulatedPaymentIntents.amountRefunded} < ${simulatedPaymentIntents.amountReceived}`))
        .returning();
      if (!updated) return view(await rowIn(tx, id));
      await emit(tx, updated, "charge.refunded");
      return view(updated);
    });
  }

  /** Some of the money, once per idempotency key; more than is left is refused, as Stripe refuses it. */
  private async refundPart(id: string, part: RefundPart): Promise<PaymentIntentView> {
    return this.db().transaction(async (tx) => {
      const first = await tx
        .insert(simulatedRefunds)
        .values({ idempotencyKey: part.idempotencyKey, paymentIntentId: id, amount: part.amountCents })
        .onConflictDoNothing()
        .returning({ key: simulatedRefunds.idempotencyKey });
      if (first.length === 0) return view(await rowIn(tx, id));
      const [updated] = await tx
        .update(simulatedPaymentIntents)
        .set({ amountRefunded: sql`${simulatedPaymentIntents.amountRefunded} + ${part.amountCents}` })
        .where(and(eq(simulatedPaymentIntents.id, id), sql`${simulatedPaymentIntents.amountRefunded} + ${part.amountCents} <= ${simulatedPaymentIntents.amountReceived}`))
        .returning();
      if (!updated) throw new PaymentError(`cannot refund ${part.amountCents} of ${id}: more than is left`);
      await emit(tx, updated, "charge.refunded");
      return view(updated);
    });
  }

  async listForEvent(eventId: string) {
    const rows = await this.db()
      .select()
      .from(simulatedPaymentIntents)
      .where(sql`${simulatedPaymentIntents.metadata}->>'eventId' = ${eventId}`);
    return rows.map(view);
  }

  /** Test control: calls about the event's payments (`*`: any) fail as in an outage until `until` (null: available again). */
  async setOutage(scope: string, until: Date | null): Promise<void> {
    if (!until) {
      await this.db().delete(simulatedProviderOutages).where(eq(simulatedProviderOutages.scope, scope));
      return;
    }
    await this.db()
      .insert(simulatedProviderOutages)
      .values({ scope, unavailableUntil: until })
      .onConflictDoUpdate({ target: simulatedProviderOutages.scope, set: { unavailableUntil: until } });
  }

  /** The outbox: events the provider would have sent for these intents, oldest first. */
  async events(paymentIntentIds: string[]) {
    if (paymentIntentIds.length === 0) return [];
    return this.db()
      .select()
      .from(simulatedPaymentEvents)
      .where(inArray(simulatedPaymentEvents.paymentIntentId, paymentIntentIds))
      .orderBy(simulatedPaymentEvents.createdAt, simulatedPaymentEvents.id);
  }

  async event(id: string) {
    const [row] = await this.db().select().from(simulatedPaymentEvents).where(eq(simulatedPaymentEvents.id, id));
    return row;
  }

  async noteDelivery(id: string): Promise<void> {
    await this.db()
      .update(simulatedPaymentEvents)
      .set({ deliveries: sql`${simulatedPaymentEvents.deliveries} + 1` })
      .where(eq(simulatedPaymentEvents.id, id));
  }

  private async ensureAvailable(eventId: string | undefined): Promise<void> {
    const outages = await this.db()
      .select()
      .from(simulatedProviderOutages)
      .where(inArray(simulatedProviderOutages.scope, eventId ? ["*", eventId] : ["*"]));
    if (outages.some((o) => o.unavailableUntil.getTime() > Date.now())) {
      throw new PaymentUnavailable("the simulated payment provider is unavailable (test outage)");
    }
  }

  private async find(id: string): Promise<Row | undefined> {
    const [row] = await this.db().select().from(simulatedPaymentIntents).where(eq(simulatedPaymentIntents.id, id));
    return row;
  }

  private async row(id: string): Promise<Row> {
    const row = await this.find(id);
    if (!row) throw new PaymentError(`no payment intent ${id}`);
    return row;
  }

  /**
   * Moves the intent from one of `from` and records the event, atomically.
   * Already at `target` (a retried call) returns the intent unchanged.
   */
  private async transition(
    id: string,
    from: PaymentStatus[],
    target: PaymentStatus | undefined,
    set: Partial<Record<keyof Row, unknown>>,
    eventType: string,
  ): Promise<PaymentIntentView> {
    return this.db().transaction(async (tx) => {
      const [updated] = await tx
        .update(simulatedPaymentIntents)
        .set(set as never)
        .where(and(eq(simulatedPaymentIntents.id, id), inArray(simulatedPaymentIntents.status, from)))
        .returning();
      if (updated) {
        await emit(tx, updated, eventType);
        return view(updated);
      }
      const current = await rowIn(tx, id);
      if (target !== undefined && current.status === target) return view(current);
      throw new PaymentError(`payment intent ${id} is ${current.status}`);
    });
  }
}

/** Writes the event Stripe would send for the intent's new state into the outbox. */
async function emit(tx: Pick<Database, "insert">, row: Row, type: string): Promise<void> {
  const object =
    type === "charge.refunded"
      ? { id: `ch_sim_${row.id.slice(7)}`, object: "charge", payment_intent: row.id, amount: row.amountReceived, amount_refunded: row.amountRefunded, refunded: row.amountRefunded >= row.amountReceived, currency: row.currency, metadata: row.metadata }
      : stripeObject(row);
  const id = `evt_sim_${crypto.randomUUID().replaceAll("-", "")}`;
  const event = {
    id,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  await tx.insert(simulatedPaymentEvents).values({ id, paymentIntentId: row.id, type, payload: JSON.stringify(event) });
}

/** The intent as Stripe puts it in an event's `data.object`. */
function stripeObject(row: Row): Record<string, unknown> {
  return {
    id: row.id,
    object: "payment_intent",
    amount: row.amount,
    amount_capturable: row.amountCapturable,
    amount_received: row.amountReceived,
    capture_method: row.captureMethod,
    client_secret: row.clientSecret,
    currency: row.currency,
    metadata: row.metadata,
    status: row.status,
    livemode: false,
    created: Math.floor(row.createdAt.getTime() / 1000),
  };
}

function view(row: Row): PaymentIntentView {
  return {
    id: row.id,
    status: row.status as PaymentStatus,
    amount: row.amount,
    amountCapturable: row.amountCapturable,
    amountReceived: row.amountReceived,
    amountRefunded: row.amountRefunded,
    currency: row.currency,
    metadata: row.metadata,
    clientSecret: row.clientSecret,
  };
}

function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % alphabet.length]).join("");
}
