/**
 * The words the waitlist panel says about a fan's entry (the API's
 * WaitlistEntry, src/shared/waitlist.ts, as GET/POST
 * /api/events/{id}/waitlist[/me] answer it), in the page's language
 * (src/shared/page-copy/waitlist.ts).
 */
import { WAITLIST_COPY } from "../../shared/page-copy/waitlist";
import type { WaitlistEntry } from "../../shared/waitlist";
import { pageLanguage } from "../shell/language";

/** Waiting or holding an offer: the panel keeps asking, and the fan may leave. */
export const isActive = (entry: WaitlistEntry | null): boolean => entry?.state === "waiting" || entry?.state === "offered";

/** What the panel says about the fan's entry. */
export function describeEntry(entry: WaitlistEntry): string {
  const words = WAITLIST_COPY[pageLanguage()];
  switch (entry.state) {
    case "waiting":
      return words.waiting({ quantity: entry.quantity, section: entry.section, position: entry.position ?? 1 });
    case "offered":
      return words.offered({ count: entry.ticketIds?.length ?? entry.quantity });
    default:
      return words.ended[entry.state] ?? entry.state;
  }
}

/** Why the join form is shown: the whole event is sold out, or some sections are. */
export function whyJoin(wholeEventSoldOut: boolean, offerMinutes: number | undefined): string {
  const words = WAITLIST_COPY[pageLanguage()];
  return wholeEventSoldOut ? words.soldOut({ minutes: offerMinutes || 15 }) : words.sectionsSoldOut;
}
