/**
 * Stripe through its official library (the workerd build uses fetch and
 * SubtleCrypto). PaymentIntents use manual capture: the card is authorized
 * at checkout and captured only once the booking is written.
 */
import Stripe from "stripe";
import { PaymentError, PaymentRefused, PaymentUnavailable, type PaymentIntentView, type PaymentProvider, type PaymentStatus, type RefundPart } from "./provider";

export class StripeProvider implements PaymentProvider {
  readonly name = "stripe" as const;
  private readonly stripe: Stripe;

  constructor(secretKey: string) {
    this.stripe = new Stripe(secretKey, { maxNetworkRetries: 2, timeout: 10_000 });
  }

  async createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }) {
    try {
      const intent = await call(() =>
        this.stripe.paymentIntents.create(
          {
            amount: input.amountCents,
            currency: input.currency,
            capture_method: "manual",
            automatic_payment_methods: { enabled: true },
            metadata: input.metadata,
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return view(intent);
    } catch (error) {
      // An amount or currency Stripe does not take (amount_too_small, amount_too_large, …): a 4xx, not a retry.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) throw new PaymentRefused(error.message);
      throw error;
    }
  }

  async retrieve(id: string) {
    try {
      return view(await call(() => this.stripe.paymentIntents.retrieve(id, { expand: ["latest_charge"] })));
    } catch (error) {
      // A validly signed event naming an intent this account does not have.
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing") return undefined;
      throw error;
    }
  }

  async capture(id: string) {
    return view(await call(() => this.stripe.paymentIntents.capture(id, { expand: ["latest_charge"] }, { idempotencyKey: `capture:${id}` })));
  }

  async cancel(id: string) {
    const current = await call(() => this.stripe.paymentIntents.retrieve(id, { expand: ["latest_charge"] }));
    if (current.status === "canceled" || current.status === "succeeded") return view(current);
    return view(await call(() => this.stripe.paymentIntents.cancel(id, { expand: ["latest_charge"] }, { idempotencyKey: `cancel:${id}` })));
  }

  async refund(id: string, part?: RefundPart) {
    try {
      await call(() =>
        this.stripe.refunds.create(
          { payment_intent: id, ...(part ? { amount: part.amountCents } : {}) },
          { idempotencyKey: part?.idempotencyKey ?? `refund:${id}` },
        ),
      );
    } catch (error) {
      // More than is left, a charge in dispute, and the like: Stripe refuses, and says why.
      if (error instanceof Stripe.errors.StripeInvalidRequestError) throw new PaymentError(error.message);
      throw error;
    }
    return view(await call(() => this.stripe.paymentIntents.retrieve(id, { expand: ["latest_charge"] })));
  }

  async listForEvent(eventId: string) {
    const found: PaymentIntentView[] = [];
    // Search is eventually consistent (about a minute behind); the checker says so.
    for await (const intent of this.stripe.paymentIntents.search({ query: `metadata['eventId']:'${eventId}'`, limit: 100, expand: ["data.latest_charge"] })) {
      found.push(view(intent));
    }
    return found;
  }
}

/** Stripe's connection and server errors become PaymentUnavailable (retry later). */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeAPIError || error instanceof Stripe.errors.StripeRateLimitError) {
      throw new PaymentUnavailable(error.message);
    }
    throw error;
  }
}

function view(intent: Stripe.PaymentIntent): PaymentIntentView {
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  return {
    id: intent.id,
    status: intent.status as PaymentStatus,
    amount: intent.amount,
    amountCapturable: intent.amount_capturable,
    amountReceived: intent.amount_received,
    amountRefunded: charge?.amount_refunded ?? 0,
    currency: intent.currency,
    metadata: intent.metadata,
    clientSecret: intent.client_secret ?? "",
  };
}
