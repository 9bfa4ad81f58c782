/**
 * The simulated payment provider: Stripe-shaped PaymentIntents kept in
 * Postgres (`simulated_payment_intents`), for local development and tests
 * without keys. The dev routes `/api/dev/payments/:id/succeed|fail` play the
 * card network: they move the intent and deliver the event Stripe would send,
 * signed with the stripe library, to the real webhook endpoint.
 */
import { eq, sql } from "drizzle-orm";
import { simulatedPaymentIntents } from "../../../src/shared/db-schema";
import type { Database } from "../env";
import { PaymentError, type PaymentIntentView, type PaymentProvider, type PaymentStatus } from "./provider";

type Row = typeof simulatedPaymentIntents.$inferSelect;

export class SimulatedProvider implements PaymentProvider {
  readonly name = "simulated" as const;

  constructor(private readonly db: () => Database) {}

  async createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }) {
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
    const [existing] = await this.db()
      .select()
      .from(simulatedPaymentIntents)
      .where(eq(simulatedPaymentIntents.idempotencyKey, input.idempotencyKey));
    if (!existing) throw new PaymentError("idempotent create found no intent");
    return view(existing);
  }

  async retrieve(id: string) {
    return view(await this.row(id));
  }

  /** The card is authorized for the whole amount (what a successful card form does). */
  async authorize(id: string): Promise<PaymentIntentView> {
    return this.transition(id, ["requires_payment_method", "requires_confirmation", "requires_action"], {
      status: "requires_capture",
      amountCapturable: sql`${simulatedPaymentIntents.amount}`,
    });
  }

  /** The card is declined; the fan may try again while the hold lasts. */
  async decline(id: string): Promise<PaymentIntentView> {
    return this.transition(id, ["requires_payment_method", "requires_confirmation", "requires_action"], { status: "requires_payment_method" });
  }

  async capture(id: string) {
    const current = await this.row(id);
    if (current.status === "succeeded") return view(current);
    return this.transition(id, ["requires_capture"], {
      status: "succeeded",
      amountReceived: sql`${simulatedPaymentIntents.amountCapturable}`,
      amountCapturable: 0,
    });
  }

  async cancel(id: string) {
    const current = await this.row(id);
    if (current.status === "canceled" || current.status === "succeeded") return;
    await this.transition(id, ["requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"], {
      status: "canceled",
      amountCapturable: 0,
    });
  }

  async refund(id: string) {
    const current = await this.row(id);
    if (current.status !== "succeeded") throw new PaymentError(`cannot refund ${id} in status ${current.status}`);
    await this.db()
      .update(simulatedPaymentIntents)
      .set({ amountRefunded: sql`${simulatedPaymentIntents.amountReceived}` })
      .where(eq(simulatedPaymentIntents.id, id));
  }

  /** The intent as Stripe would put it in an event's `data.object`. */
  async stripeObject(id: string): Promise<Record<string, unknown>> {
    const row = await this.row(id);
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

  private async row(id: string): Promise<Row> {
    const [row] = await this.db().select().from(simulatedPaymentIntents).where(eq(simulatedPaymentIntents.id, id));
    if (!row) throw new PaymentError(`no payment intent ${id}`);
    return row;
  }

  private async transition(id: string, from: PaymentStatus[], set: Partial<Record<keyof Row, unknown>>): Promise<PaymentIntentView> {
    const current = await this.row(id);
    if (!from.includes(current.status as PaymentStatus)) {
      throw new PaymentError(`payment intent ${id} is ${current.status}`);
    }
    const [updated] = await this.db()
      .update(simulatedPaymentIntents)
      .set(set as never)
      .where(eq(simulatedPaymentIntents.id, id))
      .returning();
    if (!updated) throw new PaymentError(`no payment intent ${id}`);
    return view(updated);
  }
}

function view(row: Row): PaymentIntentView {
  return {
    id: row.id,
    status: row.status as PaymentStatus,
    amount: row.amount,
    amountCapturable: row.amountCapturable,
    amountReceived: row.amountReceived,
    currency: row.currency,
    metadata: row.metadata,
    clientSecret: row.clientSecret,
  };
}

function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % alphabet.length]).join("");
}
