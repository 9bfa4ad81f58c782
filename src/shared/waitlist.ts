/**
 * The waitlist's request and response schemas (they validate the routes and
 * generate the OpenAPI document), and the shape of an entry as fans see it.
 */
import { z } from "@hono/zod-openapi";
import { ticketId } from "./ids";
import { WAITLIST_STATES, type WaitlistView } from "./room-protocol";

export const WaitlistJoinBody = z
  .object({
    quantity: z.number().int().min(1).max(100).openapi({ description: "how many tickets you want together (within the event's per-fan limit, counting tickets you booked)", example: 2 }),
    section: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: "only seats of this section (its name, as on the seat map); any section when absent", example: "Stalls" }),
  })
  .strict()
  .openapi("WaitlistJoin");

export const WaitlistPosition = z.object({ position: z.number().int().min(1).openapi({ description: "your place on the waitlist: 1 is next" }) }).openapi("WaitlistJoined");

export const WaitlistEntryView = z
  .object({
    state: z.enum(WAITLIST_STATES).openapi({
      description:
        "waiting (in line), offered (seats are held in your name until `expiresAt`: pay for them at /checkout/{holdId}), expired (the offer lapsed or was released and went to the next fan), booked (you bought the offered seats), left (you left the waitlist), closed (the event was cancelled or has started: nothing more will be offered). From expired, booked or left, joining again puts you at the back",
    }),
    position: z.number().int().min(1).optional().openapi({ description: "while waiting: 1 is next" }),
    holdId: z.string().optional().openapi({ description: "the offered hold (checkout with it like any hold)" }),
    expiresAt: z.string().optional().openapi({ description: "when the offer lapses (extended once when checkout starts, like any hold)" }),
    ticketIds: z.array(z.string()).optional().openapi({ description: "the offered tickets" }),
    quantity: z.number().int(),
    section: z.string().nullable(),
    joinedAt: z.string(),
  })
  .openapi("WaitlistEntry");
/** An entry as GET/POST /api/events/{id}/waitlist[/me] answer it (the event page's panel and the tests read it too). */
export type WaitlistEntry = z.infer<typeof WaitlistEntryView>;

/** An entry as the API shows it: the offer's hold while offered (and what it was, once expired or booked). */
export function entryBody(eventId: string, entry: WaitlistView) {
  return {
    state: entry.state,
    ...(entry.position !== null ? { position: entry.position } : {}),
    ...(entry.offer
      ? { holdId: entry.offer.holdId, expiresAt: new Date(entry.offer.expiresAt).toISOString(), ticketIds: entry.offer.seats.map((s) => ticketId(eventId, s)) }
      : {}),
    quantity: entry.quantity,
    section: entry.section,
    joinedAt: new Date(entry.joinedAt).toISOString(),
  };
}
