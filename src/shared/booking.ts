/**
 * Zod schemas of the booking API (holds, checkout, bookings, the fan's
 * tickets) and the types the API and the SeatRoom exchange over RPC. The
 * answers' types (z.infer) are what the pages (src/client, with
 * `import type`) and the tests read too.
 */
import { z } from "@hono/zod-openapi";
import { HOLD_ID_PATTERN, TICKET_ID_PATTERN } from "./ids";
import { BOOKING_STATUSES } from "./db-schema";
import { CodeText } from "./codes";
import { HOLD_STATES } from "./room-protocol";

export const MAX_TICKETS_PER_HOLD = 50;

const TicketIdSchema = z.string().regex(TICKET_ID_PATTERN, "must be a ticket id such as ev_0123456789abcdef.42").openapi({ example: "ev_0123456789abcdef.42" });

const ApplyCode = CodeText.optional().openapi({ description: "a presale or promo code of the event" });

export const ReserveRequest = z
  .union([
    z.object({ ticketIds: z.array(TicketIdSchema).min(1, "list at least one ticket").max(MAX_TICKETS_PER_HOLD), code: ApplyCode }).strict(),
    z.object({ ticketId: TicketIdSchema, code: ApplyCode }).strict(),
  ])
  .openapi("ReserveRequest", { description: "`{ ticketIds: [...] }`, or `{ ticketId }` for one ticket; with `code` to apply a presale or promo code" });

/** A price split (src/shared/pricing.ts): what the fan pays is `totalCents`, the sum of the others (the discount taken off). */
export const PriceBreakdown = z
  .object({
    faceCents: z.number().int(),
    discountCents: z.number().int(),
    feeCents: z.number().int(),
    taxCents: z.number().int(),
    totalCents: z.number().int(),
  })
  .openapi("PriceBreakdown");
export type PriceBreakdown = z.infer<typeof PriceBreakdown>;

/** What a hold costs, in all and ticket by ticket, and the code it was made with. */
const HoldPrice = {
  totalCents: z.number().int().openapi({ description: "what the fan pays, all in" }),
  currency: z.string(),
  breakdown: PriceBreakdown,
  tickets: z.array(PriceBreakdown.extend({ ticketId: z.string() })),
  code: z.object({ code: z.string(), kind: z.enum(["presale", "promo"]) }).nullable(),
};

export const HoldIdSchema = z.string().regex(HOLD_ID_PATTERN, "must be a hold id");
export const HoldParams = z.object({ holdId: HoldIdSchema.openapi({ param: { name: "holdId", in: "path" } }) });


export const HoldCreated = z
  .object({
    holdId: z.string(),
    eventId: z.string(),
    ticketIds: z.array(z.string()),
    expiresAt: z.string(),
    ...HoldPrice,
  })
  .openapi("HoldCreated");

export const HoldView = z
  .object({
    holdId: z.string(),
    eventId: z.string(),
    state: z.enum(HOLD_STATES),
    expiresAt: z.string(),
    ticketIds: z.array(z.string()),
    ...HoldPrice,
    bookingId: z.string().optional(),
  })
  .openapi("Hold");
export type HoldView = z.infer<typeof HoldView>;

export const ConfirmRequest = z.object({ holdId: HoldIdSchema }).strict().openapi("ConfirmRequest");
export const ConfirmResponse = z
  .object({
    holdId: z.string(),
    paymentIntentId: z.string(),
    clientSecret: z.string(),
    amountCents: z.number().int(),
    currency: z.string(),
    provider: z.enum(["stripe", "simulated"]),
    expiresAt: z.string(),
  })
  .openapi("ConfirmResponse");
export type ConfirmResponse = z.infer<typeof ConfirmResponse>;

/** A ticket of a booking, as its fan and its organizer see it. */
export const BookedTicket = z.object({
  id: z.string(),
  section: z.string(),
  row: z.string().nullable(),
  seat: z.string().nullable(),
  priceCents: z.number().int(),
  refunded: z.boolean().openapi({ description: "the ticket was refunded (or its booking voided): it no longer opens the door" }),
  transferred: z.boolean().openapi({ description: "the ticket was given to someone else (see its history): the buyer's codes no longer open the door" }),
  codeVersion: z.number().int().openapi({ description: "1 + the ticket's transfers: codes of an older version are void" }),
});
export type BookedTicket = z.infer<typeof BookedTicket>;

/** The event a fan's booking or ticket is for, as their lists show it. */
const TicketEvent = z.object({
  name: z.string(),
  startsAt: z.string(),
  venueName: z.string(),
  city: z.string(),
  timeZone: z.string().openapi({ description: "the venue's IANA time zone: the time of the show where it happens", example: "Europe/Madrid" }),
});

export const BookingView = z
  .object({
    id: z.string(),
    eventId: z.string(),
    holdId: z.string(),
    status: z.enum(BOOKING_STATUSES).openapi({ description: "authorized (payment being captured), confirmed, cancelled (voided, never charged) or refunded" }),
    amountCents: z.number().int(),
    refundedCents: z.number().int(),
    currency: z.string(),
    createdAt: z.string(),
    event: TicketEvent,
    tickets: z.array(
      BookedTicket.extend({
        token: z.string().nullable().openapi({ description: "the ticket's print code for the door (a signed pass; the QR code); null unless the booking is confirmed and the ticket neither refunded nor transferred. The app shows rotating codes instead: GET /api/me/tickets" }),
      }),
    ),
  })
  .openapi("Booking");
export type BookingView = z.infer<typeof BookingView>;

/** A ticket the fan holds, bought or received, with its current code (GET /api/me/tickets; the tickets page reads it too). */
export const HeldTicketView = z
  .object({
    id: z.string(),
    eventId: z.string(),
    bookingId: z.string(),
    section: z.string(),
    row: z.string().nullable(),
    seat: z.string().nullable(),
    event: TicketEvent,
    state: z.enum(["valid", "admitted", "void"]),
    received: z.boolean().openapi({ description: "given to you by its buyer or a previous holder" }),
    pass: z.string().nullable().openapi({ description: "the signed pass: bound to holderKey for rotating codes, else a print code; null when void" }),
  })
  .openapi("HeldTicket");
export type HeldTicket = z.infer<typeof HeldTicketView>;

export const BookingParams = z.object({
  bookingId: z.string().regex(/^bk_[0-9a-z]{16}$/, "must be a booking id").openapi({ param: { name: "bookingId", in: "path" } }),
});
