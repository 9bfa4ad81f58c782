/**
 * Signed webhook events, verified and (for the simulated provider) signed
 * with the stripe library's own code: `constructEventAsync` and
 * `generateTestHeaderStringAsync` with Web Crypto.
 *
 * Without Stripe keys, and only with DEV_AUTH=1, a fixed development secret
 * signs and verifies simulated events; a production deployment without
 * STRIPE_WEBHOOK_SECRET accepts no webhook at all.
 */
import Stripe from "stripe";
import type { Env } from "../env";
import { Problem } from "../problem";

const DEV_WEBHOOK_SECRET = "whsec_local_development_only_not_a_secret";
const crypto = Stripe.createSubtleCryptoProvider();

export function webhookSecret(env: Env): string {
  if (env.STRIPE_WEBHOOK_SECRET) return env.STRIPE_WEBHOOK_SECRET;
  if (env.DEV_AUTH === "1" && !env.STRIPE_SECRET_KEY) return DEV_WEBHOOK_SECRET;
  throw new Problem(503, "payments are not configured on this server (STRIPE_WEBHOOK_SECRET)");
}

export async function verifyEvent(env: Env, payload: string, signature: string | undefined): Promise<Stripe.Event> {
  const secret = webhookSecret(env);
  if (!signature) throw new Problem(400, "missing Stripe-Signature header");
  try {
    return await Stripe.webhooks.constructEventAsync(payload, signature, secret, undefined, crypto);
  } catch {
    throw new Problem(400, "the webhook signature does not match this payload");
  }
}

export async function signEvent(env: Env, payload: string): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: webhookSecret(env), cryptoProvider: crypto });
}
