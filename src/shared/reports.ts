/**
 * Zod schemas of an event's sales report (organizers of its org): they type
 * the handler and generate the OpenAPI document.
 *
 * A sale is a booking that is confirmed or refunded: an authorized booking's
 * payment is still being captured, and a cancelled one was never charged.
 * Money is in cents of the event's currency. Ticket tallies count a ticket
 * whose booked_tickets row is released (refunded, or its booking voided)
 * apart from a sold one, at the price the fan paid for it.
 */
import { z } from "@hono/zod-openapi";
import type { BookingStatus } from "./db-schema";
import { Availability } from "./organizer";

/** The statuses whose bookings count as sales. */
export const SALE_STATUSES = ["confirmed", "refunded"] as const satisfies readonly BookingStatus[];

const count = z.number().int().min(0);
const cents = z.number().int();

const TicketTally = z.object({
  sold: count.openapi({ description: "tickets sold and still valid" }),
  soldCents: cents,
  refunded: count.openapi({ description: "tickets sold, then refunded or voided" }),
  refundedCents: cents.openapi({ description: "what the fans paid for the refunded tickets, all in" }),
});

export const SalesReport = z
  .object({
    eventId: z.string(),
    generatedAt: z.string(),
    seats: Availability.nullable().openapi({ description: "live, from the event's room; null if the room did not answer" }),
    money: z.object({
      currency: z.string(),
      orders: count.openapi({ description: "bookings that count as sales (confirmed or refunded)" }),
      grossCents: cents.openapi({ description: "what the sales charged" }),
      refundedCents: cents.openapi({ description: "money returned so far (follows the payment provider)" }),
      netCents: cents.openapi({ description: "gross minus refunded" }),
      split: z
        .object({ faceCents: cents, discountCents: cents, feeCents: cents, taxCents: cents })
        .openapi({ description: "what the sold tickets still valid were paid for: face value, less discounts, plus service fees and tax (each rounded per ticket, so they add up to what fans paid)" }),
    }),
    bySection: z.array(TicketTally.extend({ section: z.string(), capacity: count })).openapi({ description: "every section of the venue, in seat-map order" }),
    byPrice: z.array(TicketTally.extend({ priceCents: cents })).openapi({ description: "the prices fans paid (all in), lowest first" }),
    perHour: z
      .array(z.object({ hour: z.string().openapi({ example: "2027-05-01T09:00:00Z" }), orders: count, tickets: count, amountCents: cents }))
      .openapi({ description: "sales by the UTC hour their booking was made, oldest first; hours without a sale are left out; tickets and amount as sold, before refunds" }),
    checkIns: z
      .object({ admitted: count, total: count, conflicts: count })
      .nullable()
      .openapi({ description: "the door, live from the event's room: tickets admitted, valid tickets sold, and offline conflicts reported; null when the room cannot answer now" }),
  })
  .openapi("SalesReport");
export type SalesReport = z.infer<typeof SalesReport>;
