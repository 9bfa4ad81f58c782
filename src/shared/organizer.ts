/**
 * Zod schemas of the organizer API (an org's events and bookings, refunds,
 * blocks, reports): they validate requests, type the handlers and generate
 * the OpenAPI document. The answers' types (z.infer) are what the dashboard
 * and live pages (src/client, with `import type`) read.
 */
import { z } from "@hono/zod-openapi";
import { BookedTicket } from "./booking";
import { EventParams, EventType } from "./catalog";
import { BOOKING_STATUSES, CANCELLATION_STATUSES, EVENT_STATUSES, REFUND_STATUSES } from "./db-schema";
import { TICKET_ID_PATTERN } from "./ids";

/** The most seats one block may take (a stadium's production holds fit many times over). */
export const MAX_SEATS_PER_BLOCK = 20_000;

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const cursor = z.string().min(1).max(500).optional().openapi({ description: "nextCursor of the previous page" });

export const PageQuery = z.object({ limit: limit(50, 20), cursor }).strict();

export const Availability = z.object({
  total: z.number().int(),
  available: z.number().int(),
  held: z.number().int(),
  sold: z.number().int(),
  blocked: z.number().int(),
});

export const OrgEvent = z
  .object({
    id: z.string(),
    name: z.string(),
    type: EventType,
    status: z.enum(EVENT_STATUSES),
    startsAt: z.string(),
    onSaleAt: z.string().nullable(),
    venueName: z.string(),
    city: z.string(),
    currency: z.string(),
    ticketCount: z.number().int(),
    priceRange: z.object({ minCents: z.number().int(), maxCents: z.number().int() }),
    availability: Availability.nullable().openapi({ description: "live, from the event's room; null if the room did not answer" }),
  })
  .openapi("OrganizerEvent");

export const OrgEventsResponse = z.object({ events: z.array(OrgEvent), nextCursor: z.string().nullable() }).openapi("OrganizerEvents");

export const BookingsQuery = PageQuery.extend({ status: z.enum(BOOKING_STATUSES).optional() }).strict();

export const OrgBooking = z
  .object({
    id: z.string(),
    userId: z.string(),
    status: z.enum(BOOKING_STATUSES),
    amountCents: z.number().int(),
    refundedCents: z.number().int(),
    currency: z.string(),
    createdAt: z.string(),
    tickets: z.array(BookedTicket),
  })
  .openapi("OrganizerBooking");
export type OrgBooking = z.infer<typeof OrgBooking>;

export const OrgBookingsResponse = z.object({ bookings: z.array(OrgBooking), nextCursor: z.string().nullable() }).openapi("OrganizerBookings");
export type OrgBookingsResponse = z.infer<typeof OrgBookingsResponse>;

const TicketIdList = (max: number) =>
  z
    .array(z.string().regex(TICKET_ID_PATTERN, "must be a ticket id such as ev_0123456789abcdef.42"))
    .min(1, "list at least one ticket")
    .max(max);

export const BlockCreate = z
  .object({
    ticketIds: TicketIdList(MAX_SEATS_PER_BLOCK),
    reason: z.string().trim().min(1).max(200).openapi({ example: "camera position" }),
  })
  .strict()
  .openapi("BlockCreate");

export const BlockView = z
  .object({ blockId: z.string(), ticketIds: z.array(z.string()), reason: z.string(), createdBy: z.string(), createdAt: z.string() })
  .openapi("Block");
export type Block = z.infer<typeof BlockView>;

export const BlockParams = EventParams.extend({
  blockId: z.string().regex(/^bl_[0-9a-z]{16}$/, "must be a block id").openapi({ param: { name: "blockId", in: "path" } }),
});

export const RefundCreate = z
  .object({
    ticketIds: TicketIdList(500).optional().openapi({ description: "some tickets of the booking; all its tickets when absent" }),
    reason: z.string().trim().min(1).max(500).optional(),
    restock: z.boolean().default(true).openapi({ description: "put the seats back on sale (default); false keeps them back in a block" }),
  })
  .strict()
  .openapi("RefundCreate");

export const RefundView = z
  .object({
    id: z.string(),
    status: z.enum(REFUND_STATUSES),
    amountCents: z.number().int(),
    ticketIds: z.array(z.string()),
    restock: z.boolean(),
    reason: z.string().nullable(),
    failure: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Refund");

export const RefundResponse = z
  .object({
    bookingId: z.string(),
    status: z.enum(BOOKING_STATUSES).openapi({ description: "confirmed while some tickets stand; refunded once all the money is returned" }),
    amountCents: z.number().int(),
    refundedCents: z.number().int(),
    currency: z.string(),
    refunds: z.array(RefundView).openapi({ description: "every refund of the booking, newest first" }),
  })
  .openapi("RefundResult");
export type RefundResponse = z.infer<typeof RefundResponse>;

export const CancelRequest = z
  .object({ reason: z.string().trim().min(1).max(500).openapi({ example: "the artist is ill" }) })
  .strict()
  .openapi("CancelRequest");

export const CancellationView = z
  .object({
    status: z.enum(CANCELLATION_STATUSES).openapi({ description: "cancelling while bookings are being refunded; done when none is left" }),
    reason: z.string(),
    requestedAt: z.string(),
    finishedAt: z.string().nullable(),
    bookings: z.number().int().openapi({ description: "bookings the cancellation concerns" }),
    refunded: z.number().int(),
    failed: z.number().int().openapi({ description: "bookings whose refund the provider refused (see the bookings list)" }),
  })
  .openapi("Cancellation");
export type CancellationView = z.infer<typeof CancellationView>;
