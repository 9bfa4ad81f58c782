/**
 * Bearer-token authentication. The user is the token's `sub`, never a field
 * of a request body. Tokens are HS256 with JWT_SECRET, or verified against
 * the identity provider's JWKS when JWT_JWKS_URL is set (jose caches the key
 * set per isolate). Organizer routes also need `organizer` in `roles`.
 */
import { createMiddleware } from "hono/factory";
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { AppEnv, User } from "./env";
import { Problem } from "./problem";

const jwksByUrl = new Map<string, JWTVerifyGetKey>();
const ASYMMETRIC = ["RS256", "ES256", "EdDSA", "PS256"];

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
      ({ payload } = await jwtVerify(token, hmacKey(env), { ...options, algorithms: ["HS256"] }));
    }
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw unauthorized("the bearer token is invalid or expired");
  }
  if (typeof payload.sub !== "string" || payload.sub.length === 0 || payload.sub.length > 200) {
    throw unauthorized("the bearer token has no subject (sub)");
  }
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === "string") : [];
  return { id: payload.sub, roles };
}

/** Mints a token (dev token route and tests); production tokens come from the identity provider. */
export async function signToken(env: Env, user: User, ttlSeconds = 12 * 3600): Promise<string> {
  return new SignJWT({ roles: user.roles })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(hmacKey(env));
}

function hmacKey(env: Env): Uint8Array {
  if (!env.JWT_SECRET) throw new Problem(503, "authentication is not configured on this server");
  return new TextEncoder().encode(env.JWT_SECRET);
}

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized("sign in: send Authorization: Bearer <token>");
  c.set("user", await verifyToken(c.env, match[1]));
  await next();
});

export const requireOrganizer = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("user").roles.includes("organizer")) {
    throw new Problem(403, "this needs the organizer role");
  }
  await next();
});
