/**
 * Payments behind one small interface with two implementations: Stripe
 * (when STRIPE_SECRET_KEY is set) and a simulated provider for local
 * development and tests. Both produce Stripe-shaped PaymentIntents and both
 * reach the app through the same signed webhook endpoint, so the booking
 * code that runs in production is the code the tests run.
 *
 * Every call that changes a payment carries an idempotency key derived from
 * the hold or the payment, so a retried webhook never charges, captures or
 * refunds twice.
 */
import type { Database, Env } from "../env";
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
  currency: string;
  metadata: Record<string, string>;
  clientSecret: string;
}

export interface PaymentProvider {
  readonly name: "stripe" | "simulated";
  /** An intent to authorize (manual capture) `amountCents`; the same key returns the same intent. */
  createIntent(input: { amountCents: number; currency: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<PaymentIntentView>;
  retrieve(id: string): Promise<PaymentIntentView>;
  capture(id: string): Promise<PaymentIntentView>;
  /** Releases an authorization; a no-op on an intent already cancelled. */
  cancel(id: string): Promise<void>;
  refund(id: string): Promise<void>;
}

export class PaymentError extends Error {}

export function paymentProvider(env: Env, db: () => Database): PaymentProvider {
  return env.STRIPE_SECRET_KEY ? new StripeProvider(env.STRIPE_SECRET_KEY) : new SimulatedProvider(db);
}
