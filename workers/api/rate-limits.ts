/**
 * Rate limits on the routes a bot hammers: holds (reserve, release),
 * checkout, joining a waiting room, and sign-in. Each action is counted per
 * client address (CF-Connecting-IP) before anything else runs, and per
 * user once the token is verified, with Workers' rate-limiting binding
 * (`[[ratelimits]]` in wrangler.toml: ADDRESS_RATE_LIMIT and FAN_RATE_LIMIT).
 * The binding answers only yes or no for a key within its period, so a
 * refusal is a 429 whose Retry-After is that period.
 *
 * The limits are per Cloudflare location and approximate (the binding's own
 * documented trade-off); they slow floods down, while exact promises (one
 * place per fan, the per-fan ticket limit, one hold window) are kept by the
 * rooms. `RATE_LIMITS=off` lifts them, for load tests from one address;
 * production keeps them on.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { Problem } from "./problem";

export type LimitedAction = "hold" | "checkout" | "queue" | "sign-in";

/** The period of both bindings in wrangler.toml (the binding allows 10 or 60). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** The client's address as Cloudflare saw it, or null (only local tools and tests omit it). */
export function clientAddress(headers: { header(name: string): string | undefined }): string | null {
  return headers.header("cf-connecting-ip") ?? null;
}

function lifted(env: Env): boolean {
  return env.RATE_LIMITS === "off";
}

async function allowed(limiter: RateLimit, key: string): Promise<boolean> {
  return (await limiter.limit({ key })).success;
}

function tooMany(who: "address" | "account"): Problem {
  return new Problem(
    429,
    `too many requests from this ${who}; try again in ${RATE_LIMIT_PERIOD_SECONDS} seconds`,
    {},
    { "retry-after": String(RATE_LIMIT_PERIOD_SECONDS) },
  );
}

/** Counts the action against the client's address; mount it before authentication, so floods are refused cheaply. */
export const limitByAddress = (action: LimitedAction) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const address = clientAddress(c.req);
    if (address !== null && !lifted(c.env) && !(await allowed(c.env.ADDRESS_RATE_LIMIT, `${action}:${address}`))) throw tooMany("address");
    await next();
  });

/** Counts the action against the signed-in user; mount it after `requireUser`. */
export const limitByUser = (action: LimitedAction) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!lifted(c.env) && !(await allowed(c.env.FAN_RATE_LIMIT, `${action}:${c.var.user.id}`))) throw tooMany("account");
    await next();
  });
