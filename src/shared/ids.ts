/**
 * Identifiers. Catalog and booking ids are a short prefix and 16 random
 * Crockford base32 characters (80 bits). A ticket has no id of its own: it is
 * the place `seatIndex` of one event, written `<eventId>.<seatIndex>`, so a
 * ticket id alone tells which event (and which SeatRoom) it belongs to.
 */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export type IdPrefix = "ev" | "vn" | "pf" | "bk" | "hd" | "bl" | "rf" | "ml" | "tr" | "ad" | "au" | "cd";

export function newId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = `${prefix}_`;
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

export const ID_PATTERN = /^[a-z]{2}_[0-9a-z]{1,40}$/;
export const TICKET_ID_PATTERN = /^([a-z]{2}_[0-9a-z]{1,40})\.(\d{1,6})$/;

export function ticketId(eventId: string, seatIndex: number): string {
  return `${eventId}.${seatIndex}`;
}

/** Splits a ticket id, or returns undefined when it is not one. */
export function parseTicketId(id: string): { eventId: string; seatIndex: number } | undefined {
  const match = TICKET_ID_PATTERN.exec(id);
  if (!match?.[1] || !match[2]) return undefined;
  return { eventId: match[1], seatIndex: Number(match[2]) };
}

/**
 * A hold id carries its event so the API can find the SeatRoom without a
 * lookup: `hd_<event id body>_<random>`.
 */
export function newHoldId(eventId: string): string {
  return `hd_${eventId.slice(3)}_${newId("hd").slice(3, 15)}`;
}

export const HOLD_ID_PATTERN = /^hd_([0-9a-z]{1,40})_([0-9a-z]{12})$/;

export function eventOfHold(holdId: string): string | undefined {
  const match = HOLD_ID_PATTERN.exec(holdId);
  return match?.[1] ? `ev_${match[1]}` : undefined;
}
