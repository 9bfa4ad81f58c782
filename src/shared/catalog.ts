/**
 * Zod schemas of the catalog API: they validate requests, type the handlers
 * and generate the OpenAPI document, so each shape is written once.
 */
import { z } from "@hono/zod-openapi";
import { ID_PATTERN } from "./ids";
import { EVENT_STATUSES } from "./db-schema";
import { SEAT_STATUSES } from "./room-protocol";
import { QueueSettings } from "./queue";
import { SectionInput, StageInput } from "./seat-map";
import { VENUE_KINDS } from "./venue-templates";

export const EVENT_TYPES = ["concert", "sports", "theater", "comedy", "family", "festival", "conference"] as const;
export const EventType = z.enum(EVENT_TYPES).openapi({ description: "the kind of event" });
export type EventType = z.infer<typeof EventType>;

export const Id = (what: string) =>
  z.string().regex(ID_PATTERN, `must be a ${what} id`).openapi({ example: "ev_0123456789abcdef" });

const text = (max: number) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true }).openapi({ example: "2027-06-01T19:30:00Z" });
const cents = z.number().int().min(0).max(100_000_000);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}


export const VenueCreate = z
  .object({
    name: text(200),
    city: text(100),
    country: text(56),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    timezone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Paris").optional(),
    sections: z.array(SectionInput).min(1).max(500).optional(),
    template: z.enum(VENUE_KINDS).optional().openapi({ description: "instead of sections: a typical club, theater, arena or stadium" }),
    stage: StageInput.optional(),
  })
  .strict()
  .refine((v) => (v.sections === undefined) !== (v.template === undefined), "send either sections or a template")
  .openapi("VenueCreate");

export const PerformerCreate = z
  .object({ name: text(200), genre: text(100).optional(), bio: text(5_000).optional() })
  .strict()
  .openapi("PerformerCreate");

export const SectionPrice = z.object({ section: text(100), priceCents: cents.openapi({ description: "the face value; fans pay it with the event's fees and tax" }) }).strict();

const basisPoints = z.number().int().min(0).max(10_000);

/** An event's service fee per ticket and its tax rate (src/shared/pricing.ts). */
export const FeesInput = z
  .object({
    feeFixedCents: z.number().int().min(0).max(1_000_000).openapi({ description: "a fixed service fee per ticket, in the currency's minor unit" }),
    feePercentBp: basisPoints.openapi({ description: "a service fee per ticket as a share of its face value, in basis points (250 = 2.5 %)" }),
    taxRateBp: basisPoints.openapi({ description: "tax on the face value and fee, in basis points (2100 = 21 %)" }),
  })
  .strict()
  .openapi("Fees", { description: "what a fan pays on top of each ticket's face value; every price fans see includes it, rounded per ticket" });

const eventFields = {
  name: text(200),
  description: text(10_000).optional(),
  type: EventType,
  startsAt: instant,
  venueId: Id("venue"),
  performerId: Id("performer"),
  prices: z.array(SectionPrice).min(1).max(500),
  onSaleAt: instant.optional(),
  perUserLimit: z.number().int().min(1).max(100).optional(),
  currency: z.string().regex(/^[a-z]{3}$/, "must be a lower-case ISO 4217 code such as usd").optional(),
  fees: FeesInput.optional(),
};

export const EventCreate = z.object(eventFields).strict().openapi("EventCreate");
export type EventCreate = z.infer<typeof EventCreate>;

export const EventPatch = z
  .object({
    ...eventFields,
    description: text(10_000).nullable(),
    onSaleAt: instant.nullable(),
    queue: QueueSettings,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "send at least one field to change")
  .openapi("EventPatch");
export type EventPatch = z.infer<typeof EventPatch>;

export const Created = z.object({ id: z.string() }).openapi("Created");
export const EventCreated = Created.extend({ ticketCount: z.number().int() }).openapi("EventCreated");

const day = z.iso.date().openapi({ example: "2027-06-01" });
const dayOrInstant = z.union([day, instant]);
const numberParam = (min: number, max: number) => z.coerce.number().finite().min(min).max(max);

export const SearchQuery = z
  .object({
    term: z.string().trim().max(200).optional().openapi({ description: "full text, websearch syntax (\"quoted phrase\", -exclude, or)" }),
    type: z
      .string()
      .transform((s) => s.split(",").map((t) => t.trim()))
      .pipe(z.array(EventType).min(1))
      .optional()
      .openapi({ type: "string", description: "one type or a comma-separated list" }),
    location: z.string().trim().min(1).max(100).optional().openapi({ description: "a city name" }),
    lat: numberParam(-90, 90).optional(),
    lng: numberParam(-180, 180).optional(),
    radiusKm: numberParam(0.1, 2_000).optional().openapi({ description: "radius around lat/lng, default 50" }),
    from: dayOrInstant.optional().openapi({ description: "a date or an instant; a date means its start, in the venue's time zone" }),
    to: dayOrInstant.optional().openapi({ description: "a date (inclusive, in the venue's time zone) or an instant" }),
    date: day.optional().openapi({ description: "one calendar day in the venue's time zone" }),
    includeCancelled: z.enum(["true", "false"]).optional().openapi({ description: "cancelled events are left out unless this is true" }),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if ((q.lat === undefined) !== (q.lng === undefined)) {
      ctx.addIssue({ code: "custom", message: "lat and lng go together", path: ["lat"] });
    }
    if (q.radiusKm !== undefined && q.lat === undefined) {
      ctx.addIssue({ code: "custom", message: "radiusKm needs lat and lng", path: ["radiusKm"] });
    }
    if (q.date && (q.from || q.to)) {
      ctx.addIssue({ code: "custom", message: "use either date or from/to", path: ["date"] });
    }
  });
export type SearchQuery = z.infer<typeof SearchQuery>;

/** The picture of an event (src/shared/image-urls.ts): its organizer's upload, else its type's generated art. */
const EventImageUrl = z.string().openapi({
  description: "a path on this site: the organizer's image (`/images/events/…`, immutable) or, without one, the event type's generated art (`/images/art/…`); shown 16:9",
  example: "/images/art/concert-3.1x2y3z.svg",
});

const VenueSummary = z.object({ id: z.string(), name: z.string(), city: z.string(), lat: z.number(), lng: z.number(), timezone: z.string() });
const PerformerSummary = z.object({ id: z.string(), name: z.string() });

export const SearchResult = z
  .object({
    id: z.string(),
    name: z.string(),
    type: EventType,
    startsAt: z.string(),
    venue: VenueSummary,
    performer: PerformerSummary,
    minPriceCents: z.number().int().openapi({ description: "the lowest price a fan pays, all in (fees and tax included)" }),
    currency: z.string(),
    available: z.number().int().openapi({ description: "tickets not sold (holds are live state, see the seat map)" }),
    imageUrl: EventImageUrl,
  })
  .openapi("SearchResult");

export const SearchResponse = z
  .object({ results: z.array(SearchResult), nextCursor: z.string().nullable() })
  .openapi("SearchResponse");
export type SearchResponse = z.infer<typeof SearchResponse>;

export const EventParams = z.object({
  eventId: Id("event").openapi({ param: { name: "eventId", in: "path" } }),
});

export const TICKET_STATUSES = SEAT_STATUSES;
export const TicketStatus = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const TicketsQuery = z
  .object({
    status: TicketStatus.optional(),
    section: z.string().trim().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().regex(/^\d{1,6}$/, "must be a cursor from a previous page").optional(),
  })
  .strict();

export const Ticket = z
  .object({
    id: z.string().openapi({ example: "ev_0123456789abcdef.42" }),
    section: z.string(),
    row: z.string().nullable(),
    seat: z.string().nullable(),
    priceCents: z.number().int().openapi({ description: "the face value" }),
    totalCents: z.number().int().openapi({ description: "what a fan pays for it, all in" }),
    status: TicketStatus,
  })
  .openapi("Ticket");

export const TicketsResponse = z
  .object({ tickets: z.array(Ticket), nextCursor: z.string().nullable() })
  .openapi("TicketsResponse");

const SeatedRowSchema = z.object({
  name: z.string(),
  firstIndex: z.number().int(),
  seats: z.array(z.string()),
  x: z.array(z.number()),
  y: z.array(z.number()),
  types: z.string().optional().openapi({ description: "one character per seat: s standard, w wheelchair space, c companion seat; absent when all are standard" }),
});
const SectionSchema = z.union([
  z.object({
    kind: z.literal("seated"),
    name: z.string(),
    firstIndex: z.number().int(),
    count: z.number().int(),
    rows: z.array(SeatedRowSchema),
  }),
  z.object({
    kind: z.literal("ga"),
    name: z.string(),
    firstIndex: z.number().int(),
    count: z.number().int(),
    area: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  }),
]);
export const SeatMapSchema = z
  .object({
    width: z.number(),
    height: z.number(),
    sections: z.array(SectionSchema),
    stage: z.object({ label: z.string(), x: z.number(), y: z.number(), width: z.number(), height: z.number() }).optional(),
  })
  .openapi("SeatMap", {
    description:
      "Sections in seat-index order. A seat's ticket id is `<eventId>.<seatIndex>`; the seat at position i of a row has index `row.firstIndex + i`, a GA section owns `count` indexes from `firstIndex`.",
  });

export const EventDetail = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    type: EventType,
    startsAt: z.string(),
    onSaleAt: z.string().nullable(),
    status: z.enum(EVENT_STATUSES).openapi({ description: "scheduled, or cancelled (nothing is sold; bookings are refunded)" }),
    currency: z.string(),
    perUserLimit: z.number().int(),
    queue: QueueSettings,
    updatedAt: z.string(),
    imageUrl: EventImageUrl,
    venue: z.object({
      id: z.string(),
      name: z.string(),
      city: z.string(),
      country: z.string(),
      lat: z.number(),
      lng: z.number(),
      timezone: z.string(),
      capacity: z.number().int(),
      seatMap: SeatMapSchema,
    }),
    performer: z.object({ id: z.string(), name: z.string(), genre: z.string().nullable(), bio: z.string().nullable() }),
    fees: FeesInput,
    prices: z
      .array(
        z.object({
          section: z.string(),
          minCents: z.number().int(),
          maxCents: z.number().int(),
          faceMinCents: z.number().int(),
          faceMaxCents: z.number().int(),
        }),
      )
      .openapi({ description: "each section's prices: all in (min/maxCents, what a fan pays per ticket) and face values" }),
    priceRange: z.object({ minCents: z.number().int(), maxCents: z.number().int() }).openapi({ description: "all in" }),
    availability: z.object({
      total: z.number().int(),
      available: z.number().int(),
      held: z.number().int(),
      sold: z.number().int(),
      blocked: z.number().int().openapi({ description: "taken off sale by the box office" }),
    }),
  })
  .openapi("EventDetail");
export type EventDetail = z.infer<typeof EventDetail>;
