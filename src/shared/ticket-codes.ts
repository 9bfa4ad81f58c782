/**
 * Ticket codes: what a ticket's QR code says, and how the door checks it
 * with a public key and no secret, online or offline (docs/after-sale.md).
 *
 * A **pass** is a JWS (compact, EdDSA over Ed25519) that the API signs:
 *   { t: ticketId, b: bookingId, v: code version, l: [section, row, seat], h?: holder key, exp }
 * The code version goes up with every transfer, so an older pass is void;
 * a refunded booking's passes are void, and so is a pass of a booking that no
 * longer holds its seat (refunded, then sold again).
 *
 * A pass with a holder key (`h`, a P-256 public key whose private half never
 * leaves the fan's browser) is only accepted as a **rotating code**:
 *   `<pass>~<t0>~<signature>`
 * where t0 is the start of the current 30-second window (unix seconds) and
 * the signature is the holder key's ECDSA P-256 signature of
 * `<ticketId>|<version>|<t0>`. The fan's page makes a new one every 30 s,
 * offline; the door refuses one older than two minutes, so a screenshot is
 * worthless by the time it is resold, and the door needs only the API's
 * public key to check it.
 *
 * A pass without a holder key is a **print code** (mail, print-at-home): it
 * does not rotate; the door takes it only where the deployment allows print
 * codes (`PRINT_TICKET_CODES`, on by default, like any paper ticket). Either
 * kind opens the door once: the event's SeatRoom records every admission.
 *
 * `checkTicketCode`, `decodePass` and `rotatingCode` use WebCrypto and the
 * language only (nothing Workers-only, no secrets), because the door page
 * and the fan's tickets page run these very functions: they import them
 * from this module (src/client/door/, src/client/tickets/live-codes.ts),
 * and scripts/build-client.ts bundles them into the pages' scripts.
 */
import { SignJWT } from "jose";
import { hmac } from "./token-keys";

/** A new rotating code every 30 seconds… */
export const CODE_WINDOW_SECONDS = 30;
/** …and the door refuses one older than two minutes (or from the future beyond one window: clock skew). */
export const MAX_CODE_AGE_SECONDS = 120;

/** An Ed25519 public key the door trusts, by key id (`x` as in a JWK, base64url). */
export interface DoorKey {
  kid: string;
  x: string;
}

export interface PassClaims {
  /** Ticket id, `<eventId>.<seatIndex>`. */
  t: string;
  /** The booking the ticket was bought in. */
  b: string;
  /** Code version: the ticket's transfers so far + 1. */
  v: number;
  /** Section, row, seat, for the door to show offline. */
  l: [string, string | null, string | null];
  /** The holder's P-256 public key (raw, uncompressed, base64url) when the pass is for rotating codes. */
  h?: string;
  exp: number;
}

export type CodeCheck =
  | { ok: true; kind: "print" | "rotating"; ticketId: string; bookingId: string; version: number; label: PassClaims["l"]; windowStart: number | null }
  | { ok: false; reason: "invalid" | "stale"; detail: string };

/** The claims of a pass, unverified (for the fan's page, which only displays them). */
export function decodePass(pass: string): PassClaims | null {
  try {
    const part = pass.split(".")[1] ?? "";
    const bin = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
    return claims && typeof claims.t === "string" && Number.isInteger(claims.v) ? claims : null;
  } catch {
    return null;
  }
}

/**
 * Checks a scanned code: the pass's signature by one of `keys`, its expiry,
 * and for a rotating code the holder's signature and its age. Says nothing
 * about whether the ticket is still valid (refunded, transferred, admitted):
 * the SeatRoom (online) or the door kit's lists (offline) answer that.
 */
export async function checkTicketCode(code: string, keys: DoorKey[], nowSeconds: number, options: { maxAgeSeconds: number; windowSeconds: number; printCodes: boolean }): Promise<CodeCheck> {
  const fail = (reason: "invalid" | "stale", detail: string): CodeCheck => ({ ok: false, reason, detail });
  const bytes = (b64: string) => {
    const bin = atob(b64.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  };
  try {
    if (typeof code !== "string" || code.length > 4000) return fail("invalid", "not a ticket code");
    const [pass = "", windowText, holderSignature, ...rest] = code.trim().split("~");
    if (rest.length > 0) return fail("invalid", "not a ticket code");
    const [headerPart = "", payloadPart = "", signaturePart = "", ...more] = pass.split(".");
    if (more.length > 0 || !headerPart || !payloadPart || !signaturePart) return fail("invalid", "not a ticket code");
    const header = JSON.parse(new TextDecoder().decode(bytes(headerPart)));
    if (!header || header.alg !== "EdDSA") return fail("invalid", "not a ticket code");
    const key = keys.find((k) => k.kid === header.kid);
    if (!key) return fail("invalid", "signed by a key this door does not know");
    const publicKey = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: key.x }, { name: "Ed25519" }, false, ["verify"]);
    const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, publicKey, bytes(signaturePart), signed))) return fail("invalid", "forged or damaged code");
    const claims = JSON.parse(new TextDecoder().decode(bytes(payloadPart)));
    if (!claims || typeof claims.t !== "string" || typeof claims.b !== "string" || !Number.isInteger(claims.v) || !Array.isArray(claims.l)) return fail("invalid", "not a ticket code");
    if (typeof claims.exp !== "number" || claims.exp < nowSeconds) return fail("invalid", "this ticket's event is over");
    const label = [String(claims.l[0]), claims.l[1] === null ? null : String(claims.l[1]), claims.l[2] === null ? null : String(claims.l[2])];
    if (typeof claims.h !== "string") {
      if (windowText !== undefined) return fail("invalid", "not a ticket code");
      if (!options.printCodes) return fail("invalid", "show the ticket from the app: printed codes are not accepted");
      return { ok: true, kind: "print", ticketId: claims.t, bookingId: claims.b, version: claims.v, label, windowStart: null } as CodeCheck;
    }
    if (windowText === undefined || holderSignature === undefined) return fail("stale", "this code does not rotate: it is a copy; open the ticket in the app");
    if (!/^\d{1,12}$/.test(windowText)) return fail("invalid", "not a ticket code");
    const windowStart = Number(windowText);
    if (nowSeconds - windowStart > options.maxAgeSeconds) return fail("stale", "this code is too old: a screenshot? open the ticket in the app");
    if (windowStart - nowSeconds > options.windowSeconds) return fail("stale", "this code is from the future: check the phone's clock");
    const holderKey = await crypto.subtle.importKey("raw", bytes(claims.h), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const message = new TextEncoder().encode(`${claims.t}|${claims.v}|${windowStart}`);
    if (!(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, holderKey, bytes(holderSignature), message))) return fail("invalid", "forged or damaged code");
    return { ok: true, kind: "rotating", ticketId: claims.t, bookingId: claims.b, version: claims.v, label, windowStart } as CodeCheck;
  } catch {
    return fail("invalid", "not a ticket code");
  }
}

/** The rotating code for now: the pass, the window's start and the holder key's signature of them (the fan's page calls this every 30 s). */
export async function rotatingCode(pass: string, holderPrivateKey: CryptoKey, nowSeconds: number, windowSeconds: number): Promise<string> {
  const part = pass.split(".")[1] ?? "";
  const bin = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const message = new TextEncoder().encode(`${claims.t}|${claims.v}|${windowStart}`);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, holderPrivateKey, message));
  let text = "";
  for (const b of signature) text += String.fromCharCode(b);
  return `${pass}~${windowStart}~${btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

// ---- The API's side: the signing key and passes ----

/** The secrets the signing key comes from: a dedicated Ed25519 seed, or one derived from JWT_SECRET. */
export interface CodeKeys {
  /** 32 random bytes, base64url: the Ed25519 private key's seed (`wrangler secret put TICKET_SIGNING_KEY`). */
  TICKET_SIGNING_KEY?: string;
  JWT_SECRET?: string;
}

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: DoorKey;
}

const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const keyCache = new Map<string, Promise<SigningKey>>();

export function base64url(data: Uint8Array): string {
  let text = "";
  for (const b of data) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

async function seedOf(keys: CodeKeys): Promise<Uint8Array> {
  if (keys.TICKET_SIGNING_KEY) {
    const seed = fromBase64url(keys.TICKET_SIGNING_KEY);
    if (seed.length !== 32) throw new Error("TICKET_SIGNING_KEY must be 32 bytes, base64url");
    return seed;
  }
  if (!keys.JWT_SECRET) throw new Error("TICKET_SIGNING_KEY or JWT_SECRET must be set");
  return new Uint8Array(await hmac(new TextEncoder().encode(keys.JWT_SECRET), "edge-tickets/ticket-signing-key/v1"));
}

/** The Ed25519 key passes are signed with, and its public half for door devices. */
export function signingKey(keys: CodeKeys): Promise<SigningKey> {
  const cacheKey = keys.TICKET_SIGNING_KEY ?? `derived:${keys.JWT_SECRET ?? ""}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = (async () => {
      const seed = await seedOf(keys);
      const der = new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]);
      const privateKey = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, true, ["sign"]);
      const jwk = (await crypto.subtle.exportKey("jwk", privateKey)) as JsonWebKey;
      if (!jwk.x) throw new Error("the Ed25519 key has no public part");
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(jwk.x)));
      const kid = base64url(digest.slice(0, 6));
      return { kid, privateKey, publicKey: { kid, x: jwk.x } };
    })();
    key.catch(() => keyCache.delete(cacheKey));
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** A pass for a ticket: a print code without `holderKey`, the base of rotating codes with it. */
export async function issuePass(
  keys: CodeKeys,
  ticket: { ticketId: string; bookingId: string; version: number; section: string; row: string | null; seat: string | null },
  eventStartsAt: Date,
  holderKey?: string,
): Promise<string> {
  const key = await signingKey(keys);
  const claims: Omit<PassClaims, "exp"> = { t: ticket.ticketId, b: ticket.bookingId, v: ticket.version, l: [ticket.section, ticket.row, ticket.seat] };
  if (holderKey) claims.h = holderKey;
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid })
    // Good until a day after the event starts.
    .setExpirationTime(Math.floor(eventStartsAt.getTime() / 1000) + 24 * 3600)
    .sign(key.privateKey);
}

/** Whether a holder key is a P-256 public key (raw, uncompressed, base64url). */
export async function isHolderKey(text: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{87}$/.test(text)) return false;
  try {
    await crypto.subtle.importKey("raw", new Uint8Array(fromBase64url(text)), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    return true;
  } catch {
    return false;
  }
}
