/**
 * Zod schemas of the organizer API (an org's events and bookings, refunds,
 * blocks, reports): they validate requests, type the handlers and generate
 * the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import { EventType } from "./catalog";
import { BOOKING_STATUSES } from "./db-schema";

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const cursor = z.string().min(1).max(500).optional().openapi({ description: "nextCursor of the previous page" });

export const PageQuery = z.object({ limit: limit(50, 20), cursor }).strict();

export const Availability = z.object({
  total: z.number().int(),
  available: z.number().int(),
  held: z.number().int(),
  sold: z.number().int(),
});

export const OrgEvent = z
  .object({
    id: z.string(),
    name: z.string(),
    type: EventType,
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
    tickets: z.array(
      z.object({
        id: z.string(),
        section: z.string(),
        row: z.string().nullable(),
        seat: z.string().nullable(),
        priceCents: z.number().int(),
        refunded: z.boolean().openapi({ description: "the ticket was refunded (or its booking voided): it is void" }),
      }),
    ),
  })
  .openapi("OrganizerBooking");

export const OrgBookingsResponse = z.object({ bookings: z.array(OrgBooking), nextCursor: z.string().nullable() }).openapi("OrganizerBookings");
