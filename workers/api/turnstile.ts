/**
 * The optional bot check on joining a waiting room: with
 * TURNSTILE_SECRET_KEY set, the fan's Turnstile token is verified
 * server-side with Cloudflare's Siteverify API ("the client-side widget alone
 * does not protect your forms": tokens can be forged, expire after 300 s and
 * are single-use; developers.cloudflare.com/turnstile/get-started/
 * server-side-validation). Without the key (local development) the check is
 * off and the queue page says so. TURNSTILE_VERIFY_URL points the check
 * elsewhere (tests use a local stand-in).
 */
import type { Context } from "hono";
import type { AppEnv } from "./env";
import { log } from "../../src/shared/log";
import { Problem } from "./problem";
import { clientAddress } from "./rate-limits";

const SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

export function botCheckOn(env: Env): boolean {
  return Boolean(env.TURNSTILE_SECRET_KEY);
}

/** Throws 403 unless the token passes (when the check is on). */
export async function verifyTurnstile(c: Context<AppEnv>, token: string | undefined): Promise<void> {
  const secret = c.env.TURNSTILE_SECRET_KEY;
  if (!secret) return;
  if (!token) throw new Problem(403, "complete the bot check first (send its token as X-Turnstile-Token)");
  const address = clientAddress(c.req);
  let outcome: { success?: unknown; "error-codes"?: unknown };
  try {
    const response = await fetch(c.env.TURNSTILE_VERIFY_URL || SITEVERIFY, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret, response: token, ...(address !== null ? { remoteip: address } : {}), idempotency_key: crypto.randomUUID() }),
    });
    outcome = (await response.json()) as typeof outcome;
  } catch (error) {
    log("error", "turnstile_unavailable", { requestId: c.var.requestId, message: String(error) });
    throw new Problem(503, "the bot check is unavailable, try again shortly", {}, { "retry-after": "5" });
  }
  if (outcome.success !== true) {
    log("info", "turnstile_refused", { requestId: c.var.requestId, codes: JSON.stringify(outcome["error-codes"] ?? []) });
    throw new Problem(403, "the bot check failed or expired; complete it again");
  }
}
