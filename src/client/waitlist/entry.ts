/**
 * The words the waitlist panel says about a fan's entry (the API's
 * WaitlistEntry, src/shared/waitlist.ts, as GET/POST
 * /api/events/{id}/waitlist[/me] answer it).
 */
import type { WaitlistEntry } from "../../shared/waitlist";

/** Waiting or holding an offer: the panel keeps asking, and the fan may leave. */
export const isActive = (entry: WaitlistEntry | null): boolean => entry?.state === "waiting" || entry?.state === "offered";

const ENDED: Partial<Record<WaitlistEntry["state"], string>> = {
  expired: "Your offer ran out and the seats went to the next fan. You can join the waitlist again.",
  booked: "You bought the seats offered to you. See them under My tickets.",
  left: "You left the waitlist.",
  closed: "This event is cancelled or has started: no more seats will be offered.",
};

/** What the panel says about the fan's entry. */
export function describeEntry(entry: WaitlistEntry): string {
  if (entry.state === "waiting") {
    const tickets = entry.quantity === 1 ? " ticket" : " tickets";
    const section = entry.section ? ` in ${entry.section}` : "";
    return `You are on the waitlist for ${entry.quantity}${tickets}${section}. Your position: ${entry.position}.`;
  }
  if (entry.state === "offered") {
    const count = entry.ticketIds?.length;
    return `Seats came back for you: ${count}${count === 1 ? " ticket is" : " tickets are"} held in your name.`;
  }
  return ENDED[entry.state] || entry.state;
}

/** Why the join form is shown: the whole event is sold out, or some sections are. */
export function whyJoin(wholeEventSoldOut: boolean, offerMinutes: number | undefined): string {
  return wholeEventSoldOut
    ? `Sold out. Join the waitlist: seats that come back are offered to fans on the list in order, and you get ${offerMinutes || 15} minutes to pay.`
    : "Some sections are sold out. Join a section's waitlist: its returned seats are offered to fans on the list in order.";
}
