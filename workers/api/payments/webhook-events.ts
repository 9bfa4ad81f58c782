/**
 * Signed webhook events, verified and (for the simulated provider) signed
 * with the stripe library's own code: `constructEventAsync` and
 * `generateTestHeaderStringAsync` with Web Crypto.
 *
 * Stripe's library refuses a signature older than its tolerance (5 minutes)
 * but not one from the future; a timestamp more than 5 minutes ahead is
 * refused here too, so a captured signature cannot be post-dated.
 *
 * Without Stripe keys, and only with DEV_AUTH=1, a fixed development secret
 * signs and verifies simulated events; a production deployment without
 * STRIPE_WEBHOOK_SECRET accepts no webhook at all.
 */
import Stripe from "stripe";
import { Problem } from "../problem";

const DEV_WEBHOOK_SECRET = "whsec_local_development_only_not_a_secret";
const TOLERANCE_SECONDS = 300;
const crypto = Stripe.createSubtleCryptoProvider();

export function webhookSecret(env: Env): string {
  if (env.STRIPE_WEBHOOK_SECRET) return env.STRIPE_WEBHOOK_SECRET;
  if (env.DEV_AUTH === "1" && !env.STRIPE_SECRET_KEY) return DEV_WEBHOOK_SECRET;
  throw new Problem(503, "payments are not configured on this server (STRIPE_WEBHOOK_SECRET)");
}

export async function verifyEvent(env: Env, payload: string, signature: string | undefined): Promise<Stripe.Event> {
  const secret = webhookSecret(env);
  if (!signature) throw new Problem(400, "missing Stripe-Signature header");
  // Exactly one timestamp, all digits: the library keeps the last `t=` and parses it leniently.
  const timestamps = signature.split(",").filter((part) => part.trim().startsWith("t="));
  const timestamp = timestamps.length === 1 ? /^\s*t=(\d{1,12})\s*$/.exec(timestamps[0] ?? "")?.[1] : undefined;
  if (timestamp === undefined) throw new Problem(400, "the Stripe-Signature header must carry exactly one timestamp t=<seconds>");
  if (Number(timestamp) > Date.now() / 1000 + TOLERANCE_SECONDS) throw new Problem(400, "the webhook signature's timestamp is in the future");
  try {
    return await Stripe.webhooks.constructEventAsync(payload, signature, secret, TOLERANCE_SECONDS, crypto);
  } catch {
    throw new Problem(400, "the webhook signature does not match this payload, or it is too old");
  }
}

/** Signs a payload as Stripe would, now (or at `timestamp`, seconds, for tests of stale and post-dated signatures). */
export async function signEvent(env: Env, payload: string, timestamp?: number): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: webhookSecret(env), cryptoProvider: crypto, ...(timestamp ? { timestamp } : {}) });
}
