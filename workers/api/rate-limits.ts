/**
 * Rate limits on the routes a bot hammers: holds (reserve, release),
 * checkout, joining and leaving a waiting room, polling one's place in it,
 * joining and leaving a waitlist,
 * catalog writes, and sign-in. Each action is counted per
 * client address (CF-Connecting-IP) before anything else runs, and per
 * user once the token is verified, with Workers' rate-limiting binding
 * (`[[ratelimits]]` in wrangler.toml: ADDRESS_RATE_LIMIT, FAN_RATE_LIMIT, and
 * ORGANIZER_RATE_LIMIT for catalog writes).
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

export type LimitedAction = "hold" | "checkout" | "queue" | "queue-status" | "waitlist" | "catalog" | "sign-in";

/** The period of both bindings in wrangler.toml (the binding allows 10 or 60). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * The client's address as Cloudflare saw it, as the key limits count by; null
 * only for local tools and tests, which send none. An IPv6 client controls
 * at least a /64, so IPv6 addresses count by their /64 prefix (an IPv4
 * address mapped into IPv6 counts as itself).
 */
export function clientAddress(headers: { header(name: string): string | undefined }): string | null {
  const address = headers.header("cf-connecting-ip")?.trim().toLowerCase();
  if (!address) return null;
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = "", tail] = address.split("::", 2);
  const groups = head ? head.split(":") : [];
  const rest = tail === undefined ? [] : tail ? tail.split(":") : [];
  const full = tail === undefined ? groups : [...groups, ...Array<string>(Math.max(0, 8 - groups.length - rest.length)).fill("0"), ...rest];
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
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
    if (address !== null) await enforce(c.env, "address", `${action}:${address}`);
    await next();
  });

/** Counts the action against the signed-in user; mount it after `requireUser`. */
export const limitByUser = (action: LimitedAction) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await enforce(c.env, action === "catalog" ? "organizer" : "account", `${action}:${c.var.user.id}`);
    await next();
  });

/** Counts one request under `key` (an action and whose it is); 429 past the limit. */
export async function enforce(env: Env, who: "address" | "account" | "organizer", key: string): Promise<void> {
  if (lifted(env)) return;
  const limiter = { address: env.ADDRESS_RATE_LIMIT, account: env.FAN_RATE_LIMIT, organizer: env.ORGANIZER_RATE_LIMIT }[who];
  if (!(await allowed(limiter, key))) throw tooMany(who === "address" ? "address" : "account");
}
