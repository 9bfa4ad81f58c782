/**
 * Stripe through its official library (the workerd build uses fetch and
 * SubtleCrypto). PaymentIntents use manual capture: the card is authorized
 * at checkout and captured only once the booking is written.
 */
import Stripe from "stripe";
import type { PaymentIntentView, PaymentProvider, PaymentStatus } from "./provider";

export class StripeProvider implements PaymentProvider {
  readonly name = "stripe" as const;
  private readonly stripe: Stripe;

  constructor(secretKey: string) {
    this.stripe = new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 10_000 });
  }

  async createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }) {
    const intent = await this.stripe.paymentIntents.create(
      {
        amount: input.amountCents,
        currency: input.currency,
        capture_method: "manual",
        automatic_payment_methods: { enabled: true },
        metadata: input.metadata,
      },
      { idempotencyKey: input.idempotencyKey },
    );
    return view(intent);
  }

  async retrieve(id: string) {
    return view(await this.stripe.paymentIntents.retrieve(id));
  }

  async capture(id: string) {
    return view(await this.stripe.paymentIntents.capture(id, {}, { idempotencyKey: `capture:${id}` }));
  }

  async cancel(id: string) {
    const current = await this.stripe.paymentIntents.retrieve(id);
    if (current.status === "canceled" || current.status === "succeeded") return;
    await this.stripe.paymentIntents.cancel(id, {}, { idempotencyKey: `cancel:${id}` });
  }

  async refund(id: string) {
    await this.stripe.refunds.create({ payment_intent: id }, { idempotencyKey: `refund:${id}` });
  }
}

function view(intent: Stripe.PaymentIntent): PaymentIntentView {
  return {
    id: intent.id,
    status: intent.status as PaymentStatus,
    amount: intent.amount,
    amountCapturable: intent.amount_capturable,
    amountReceived: intent.amount_received,
    currency: intent.currency,
    metadata: intent.metadata,
    clientSecret: intent.client_secret ?? "",
  };
}
