/**
 * Bearer-token authentication. The user is the token's `sub`, never a field
 * of a request body. Tokens are HS256 with JWT_SECRET, or verified against
 * the identity provider's JWKS when JWT_JWKS_URL is set (jose caches the key
 * set per isolate).
 *
 * A token carries `roles` (fan, organizer, door, admin) and, for staff, `org`:
 * the organization whose catalog and sales they act on. An organizer or door
 * token without `org` belongs to a personal org named after its user
 * (`user:<sub>`). Which rows an org may touch is decided in one place,
 * `catalog/tenancy.ts`.
 *
 * Whichever key signed it, a token is accepted only if it expires (`exp`)
 * within TOKEN_MAX_AGE_SECONDS: a leaked or hand-crafted long-lived token
 * would otherwise be a permanent account. Its `sub` becomes a Postgres value,
 * so control characters and unpaired surrogates are refused here, not there.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { AppEnv, User } from "./env";
import { Problem } from "./problem";

const jwksByUrl = new Map<string, JWTVerifyGetKey>();
const ASYMMETRIC = ["RS256", "ES256", "EdDSA", "PS256"];
const DEFAULT_MAX_AGE_SECONDS = 24 * 3600;
/** Identity providers' clocks run a little ahead or behind ours. */
const CLOCK_SKEW_SECONDS = 60;
/** Control characters (NUL included) and lone surrogates, which Postgres text cannot hold. */
const UNSAFE_TEXT = /[\p{Cc}\p{Cs}]/u;

const unauthorized = (detail: string) =>
  new Problem(401, detail, {}, { "www-authenticate": 'Bearer realm="api"' });

export async function verifyToken(env: Env, token: string): Promise<User> {
  let payload: JWTPayload;
  try {
    const options = { issuer: env.JWT_ISSUER || undefined, audience: env.JWT_AUDIENCE || undefined };
    if (env.JWT_JWKS_URL) {
      let jwks = jwksByUrl.get(env.JWT_JWKS_URL);
      if (!jwks) {
        jwks = createRemoteJWKSet(new URL(env.JWT_JWKS_URL));
        jwksByUrl.set(env.JWT_JWKS_URL, jwks);
      }
      ({ payload } = await jwtVerify(token, jwks, { ...options, algorithms: ASYMMETRIC }));
    } else {
      ({ payload } = await jwtVerify(token, await hmacKey(env), { ...options, algorithms: ["HS256"] }));
    }
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw unauthorized("the bearer token is invalid or expired");
  }
  checkLifetime(payload, tokenMaxAge(env));
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 200) {
    throw unauthorized("the bearer token has no subject (sub)");
  }
  if (UNSAFE_TEXT.test(payload.sub)) throw unauthorized("the bearer token's subject (sub) contains a control character or an unpaired surrogate");
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
  // An address the identity provider says it has not verified claims nothing (tickets sent to it, mail).
  const email = typeof payload.email === "string" && payload.email_verified !== false ? payload.email : null;
  return { id: payload.sub, roles, org: orgOf(payload, roles), email };
}

/** Roles that act for an organization; an admin acts for any. */
export const STAFF_ROLES = ["organizer", "door"] as const;
export const ORG_ID_PATTERN = /^[\w.@:-]{1,200}$/;

/** The personal organization of a user who signs in as staff without naming one. */
export const personalOrg = (userId: string) => `user:${userId}`;

function orgOf(payload: JWTPayload, roles: string[]): string | null {
  if (payload.org !== undefined) {
    if (typeof payload.org !== "string" || !ORG_ID_PATTERN.test(payload.org)) throw unauthorized("the bearer token's organization (org) is not a valid id");
    return payload.org;
  }
  const staff = roles.some((r) => r === "admin" || (STAFF_ROLES as readonly string[]).includes(r));
  return staff && typeof payload.sub === "string" ? personalOrg(payload.sub) : null;
}

/** The longest a token may live, in seconds (TOKEN_MAX_AGE_SECONDS, default 24 h). */
function tokenMaxAge(env: Env): number {
  const seconds = Number(env.TOKEN_MAX_AGE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_MAX_AGE_SECONDS;
}

/** Refuses a token without `exp`, or one that lives, or has left to live, longer than the maximum. */
function checkLifetime(payload: JWTPayload, maxAge: number): void {
  if (payload.exp === undefined) throw unauthorized("the bearer token has no expiry (exp)");
  // An issue time in the future would let exp - iat hide a longer life.
  if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + CLOCK_SKEW_SECONDS) {
    throw unauthorized("the bearer token was issued in the future (iat)");
  }
  if (payload.iat !== undefined && payload.exp - payload.iat > maxAge) {
    throw unauthorized(`the bearer token lives longer than ${maxAge} seconds (exp - iat)`);
  }
  if (payload.exp - Date.now() / 1000 > maxAge + CLOCK_SKEW_SECONDS) {
    throw unauthorized(`the bearer token expires more than ${maxAge} seconds from now`);
  }
}

/**
 * Mints a token (dev token route and tests); production tokens come from the
 * identity provider. Never for longer than the maximum a token may live.
 */
export async function signToken(env: Env, user: Pick<User, "id" | "roles"> & Partial<Pick<User, "org" | "email">>, ttlSeconds = 12 * 3600): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: user.roles, ...(user.org ? { org: user.org } : {}), ...(user.email ? { email: user.email } : {}) })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.min(ttlSeconds, tokenMaxAge(env)))
    .sign(await hmacKey(env));
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** The HS256 key, imported once per isolate and secret (importing it on every request was a few per cent of a hold's CPU). */
function hmacKey(env: Env): Promise<CryptoKey> {
  if (!env.JWT_SECRET) throw new Problem(503, "authentication is not configured on this server");
  let key = hmacKeys.get(env.JWT_SECRET);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(env.JWT_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    hmacKeys.set(env.JWT_SECRET, key);
  }
  return key;
}

function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
}

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw unauthorized("sign in: send Authorization: Bearer <token>");
  c.set("user", await verifyToken(c.env, token));
  await next();
});

/** The user of a request that may be signed in (public reads): undefined without a bearer token, 401 with a bad one. */
export async function optionalUser(c: Context<AppEnv>): Promise<User | undefined> {
  const token = bearerToken(c.req.header("authorization"));
  return token ? verifyToken(c.env, token) : undefined;
}

/** The user has one of `allowed` in their organization (a platform admin has every role). */
export const requireRole = (...allowed: (typeof STAFF_ROLES)[number][]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const { roles, org } = c.get("user");
    if (!org || !(allowed.some((role) => roles.includes(role)) || roles.includes("admin"))) throw new Problem(403, `this needs the ${allowed.join(" or ")} role`);
    await next();
  });

export const requireOrganizer = requireRole("organizer");
