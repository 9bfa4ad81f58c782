/**
 * The signed token in a ticket's QR code: which ticket, of which booking and
 * event, for whom. HS256 with TICKET_SECRET (or a key derived from
 * JWT_SECRET); the door checks it with `GET /api/tickets/verify`, which also
 * confirms the booking is still valid in Postgres.
 */
import { jwtVerify, SignJWT } from "jose";
import { tokenKey, type TokenKeys } from "./token-keys";

export interface TicketClaims {
  ticketId: string;
  bookingId: string;
  eventId: string;
  userId: string;
}

export async function signTicketToken(keys: TokenKeys, claims: TicketClaims, eventEndsAt: Date): Promise<string> {
  return new SignJWT({ typ: "ticket", bk: claims.bookingId, evt: claims.eventId, uid: claims.userId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.ticketId)
    .setIssuedAt()
    // Good until a day after the event starts.
    .setExpirationTime(Math.floor(eventEndsAt.getTime() / 1000) + 24 * 3600)
    .sign(await tokenKey(keys, "ticket"));
}

export async function verifyTicketToken(keys: TokenKeys, token: string): Promise<TicketClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, await tokenKey(keys, "ticket"), { algorithms: ["HS256"] });
    if (payload.typ !== "ticket" || typeof payload.sub !== "string") return undefined;
    const { bk, evt, uid } = payload;
    if (typeof bk !== "string" || typeof evt !== "string" || typeof uid !== "string") return undefined;
    return { ticketId: payload.sub, bookingId: bk, eventId: evt, userId: uid };
  } catch {
    return undefined;
  }
}
