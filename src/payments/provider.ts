/**
 * Payments behind one small interface with two implementations: Stripe
 * (when STRIPE_SECRET_KEY is set) and a simulated provider for local
 * development and tests. Both produce Stripe-shaped PaymentIntents and both
 * reach the app through the same signed webhook endpoint, so the booking
 * code that runs in production is the code the tests run.
 *
 * Every call that changes a payment carries an idempotency key derived from
 * the hold or the payment, so a retried step never charges, captures or
 * refunds twice. Used by the API (checkout, webhooks) and by the SeatRoom's
 * alarm (which settles payments whose holds lapsed).
 */
import type { Database } from "../shared/database";
import { SimulatedProvider } from "./simulated-provider";
import { StripeProvider } from "./stripe-provider";

export type PaymentStatus =
  | "requires_payment_method"
  | "requires_confirmation"
  | "requires_action"
  | "processing"
  | "requires_capture"
  | "canceled"
  | "succeeded";

export interface PaymentIntentView {
  id: string;
  status: PaymentStatus;
  amount: number;
  amountCapturable: number;
  amountReceived: number;
  /** Money returned so far (Stripe: the latest charge's `amount_refunded`). */
  amountRefunded: number;
  currency: string;
  metadata: Record<string, string>;
  clientSecret: string;
}

export interface PaymentProvider {
  readonly name: "stripe" | "simulated";
  /** An intent to authorize (manual capture) `amountCents`; the same key returns the same intent. */
  createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<PaymentIntentView>;
  /** The intent as it is now, or undefined when the provider has no such intent. */
  retrieve(id: string): Promise<PaymentIntentView | undefined>;
  capture(id: string): Promise<PaymentIntentView>;
  /** Releases an authorization (or an intent not yet paid); a no-op on one already cancelled or captured. */
  cancel(id: string): Promise<PaymentIntentView>;
  /**
   * Returns money received: all that is left (idempotent per intent), or
   * `part.amountCents` once per `part.idempotencyKey` (an organizer's refund
   * of some tickets). More than is left is a PaymentError.
   */
  refund(id: string, part?: RefundPart): Promise<PaymentIntentView>;
  /** Every intent created for the event's holds (for the invariant checker). */
  listForEvent(eventId: string): Promise<PaymentIntentView[]>;
}

export interface RefundPart {
  amountCents: number;
  idempotencyKey: string;
}

/** The provider refused the operation in the intent's current state. */
export class PaymentError extends Error {}

/** The provider could not be reached; the step is retried later. */
export class PaymentUnavailable extends Error {}

/** The provider refused the payment as asked (an amount or currency it does not take): asking again will not help. */
export class PaymentRefused extends Error {}

export function paymentProvider(env: Pick<Env, "STRIPE_SECRET_KEY">, db: () => Database): PaymentProvider {
  return env.STRIPE_SECRET_KEY ? new StripeProvider(env.STRIPE_SECRET_KEY) : new SimulatedProvider(db);
}
