/**
 * The waiting room's shared parts: settings, the signed tokens a fan
 * carries, and the lottery rank.
 *
 * A fan carries a signed *queue ticket* (their place: a lottery rank if they
 * came before the on-sale time, else a join sequence number), and once
 * admitted a signed *admission token* that `reserve` requires. Both are HS256
 * JWTs bound to the user and the event, with an expiry; the API verifies them
 * without calling the QueueRoom. The key is QUEUE_SECRET, or one derived from
 * JWT_SECRET.
 *
 * The lottery rank of an early fan is HMAC-SHA256(seed, userId) read as a
 * fraction in [0, 1). The seed is drawn when the queue is first set up, kept
 * secret (its SHA-256 is published) until the sale opens, then published, so
 * anyone can recompute every rank and check the order.
 */
import { z } from "@hono/zod-openapi";
import { jwtVerify, SignJWT } from "jose";
import { hmac, tokenKey, type TokenKeys } from "./token-keys";

export const QueueSettings = z
  .object({
    enabled: z.boolean(),
    batchSize: z.number().int().min(1).max(10_000).optional().openapi({ description: "fans admitted per tick (default 100)" }),
    tickSeconds: z.number().int().min(1).max(60).optional().openapi({ description: "seconds between admissions (default 2)" }),
    sessionMinutes: z.number().int().min(1).max(120).optional().openapi({ description: "how long an admitted fan may shop (default 15)" }),
    maxActive: z.number().int().min(1).max(100_000).optional().openapi({ description: "admitted fans shopping at once (default 1000)" }),
    paused: z.boolean().optional().openapi({ description: "admission paused: no one is admitted, fans keep their places" }),
    closed: z.boolean().optional().openapi({ description: "the queue is closed: no one joins or is admitted" }),
  })
  .strict()
  .openapi("QueueSettings");
export type QueueSettings = z.infer<typeof QueueSettings>;

export interface ResolvedQueueSettings {
  enabled: boolean;
  batchSize: number;
  tickSeconds: number;
  sessionMinutes: number;
  maxActive: number;
  paused: boolean;
  closed: boolean;
}

export function resolveSettings(settings: QueueSettings): ResolvedQueueSettings {
  return {
    enabled: settings.enabled,
    batchSize: settings.batchSize ?? 100,
    tickSeconds: settings.tickSeconds ?? 2,
    sessionMinutes: settings.sessionMinutes ?? 15,
    maxActive: settings.maxActive ?? 1_000,
    paused: settings.paused ?? false,
    closed: settings.closed ?? false,
  };
}

/** A fan's place: a lottery rank (came early) or a join sequence number (came later). */
export type Place = { kind: "early"; rank: number } | { kind: "late"; seq: number };

export interface QueueTicket {
  userId: string;
  eventId: string;
  place: Place;
}

export interface Admission {
  userId: string;
  eventId: string;
  sessionId: string;
  expiresAt: number;
}

const TICKET_TTL_SECONDS = 3 * 24 * 3600;

const signingKey = (keys: TokenKeys) => tokenKey(keys, "queue");

export async function signTicket(keys: TokenKeys, ticket: QueueTicket): Promise<string> {
  return new SignJWT({ typ: "queue", evt: ticket.eventId, place: ticket.place })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(ticket.userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + TICKET_TTL_SECONDS)
    .sign(await signingKey(keys));
}

export async function signAdmission(keys: TokenKeys, admission: Admission): Promise<string> {
  return new SignJWT({ typ: "admission", evt: admission.eventId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(admission.userId)
    .setJti(admission.sessionId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(admission.expiresAt / 1000))
    .sign(await signingKey(keys));
}

/** The ticket's place if it is a valid queue ticket of this user and event, else undefined. */
export async function verifyTicket(keys: TokenKeys, token: string, userId: string | undefined, eventId: string): Promise<QueueTicket | undefined> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(keys), { algorithms: ["HS256"] });
    if (payload.typ !== "queue" || payload.evt !== eventId || typeof payload.sub !== "string") return undefined;
    if (userId !== undefined && payload.sub !== userId) return undefined;
    const place = payload.place as Place | undefined;
    const valid =
      (place?.kind === "early" && typeof place.rank === "number" && place.rank >= 0 && place.rank < 1) ||
      (place?.kind === "late" && Number.isInteger(place.seq) && place.seq >= 0);
    return valid && place ? { userId: payload.sub, eventId, place } : undefined;
  } catch {
    return undefined;
  }
}

/** The shopping session `token` admits `userId` to for `eventId` now, or undefined. */
/** The shopping session of a valid admission token for this fan and event, and when it lapses. */
export async function verifyAdmission(keys: TokenKeys, token: string, userId: string, eventId: string): Promise<{ session: string; until: number } | undefined> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(keys), { algorithms: ["HS256"] });
    const valid = payload.typ === "admission" && payload.evt === eventId && payload.sub === userId && typeof payload.jti === "string" && typeof payload.exp === "number";
    return valid && payload.jti && payload.exp ? { session: payload.jti, until: payload.exp * 1000 } : undefined;
  } catch {
    return undefined;
  }
}

/** The lottery rank: HMAC-SHA256(seed, userId), first 52 bits, as a fraction of 2^52. */
export async function lotteryRank(seedHex: string, userId: string): Promise<number> {
  const mac = new DataView(await hmac(hexBytes(seedHex), userId));
  const high = mac.getUint32(0); // 32 bits
  const low = mac.getUint32(4) >>> 12; // 20 more bits
  return (high * 2 ** 20 + low) / 2 ** 52;
}

export function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function sha256Hex(hex: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", hexBytes(hex)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}
