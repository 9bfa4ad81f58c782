/**
 * The Postgres schema (Drizzle), the one source for the tables; SQL
 * migrations in `migrations/` are generated from it with drizzle-kit.
 *
 * Postgres is the system of record for the catalog and for *sold*. Seat holds
 * live in each event's SeatRoom, never here. The partial unique index on
 * `booked_tickets (event_id, seat_index)` makes a double booking impossible
 * even if every other layer fails.
 *
 * Events carry a few denormalized columns (performer and venue names, city,
 * price range, counts) so that search reads one table with its indexes.
 */
import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { QueueSettings } from "./queue";
import type { SeatMap } from "./seat-map";

/**
 * A booking's life: authorized (written, its payment being captured) →
 * confirmed, or cancelled (voided before any money moved) or refunded (paid,
 * and all the money returned). A booking with some tickets refunded stays
 * confirmed with its refunded amount. Enforced by a CHECK.
 */
export const BOOKING_STATUSES = ["authorized", "confirmed", "cancelled", "refunded"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** An event is scheduled until its organizer cancels it (then it sells nothing and every booking is refunded). */
export const EVENT_STATUSES = ["scheduled", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * The tenants: every venue, performer and event belongs to one. An org is
 * written the first time one of its organizers writes the catalog (its id
 * comes from their token); the demo catalog belongs to `demo`.
 */
export const organizations = pgTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

/** The organization a catalog row belongs to. */
const orgId = () =>
  text("org_id")
    .notNull()
    .references(() => organizations.id);

export const venues = pgTable(
  "venues",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    city: text("city").notNull(),
    country: text("country").notNull(),
    lat: doublePrecision("lat").notNull(),
    lng: doublePrecision("lng").notNull(),
    timezone: text("timezone").notNull().default("UTC"),
    capacity: integer("capacity").notNull(),
    seatMap: jsonb("seat_map").$type<SeatMap>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("venues_city_idx").on(sql`lower(${t.city})`),
    index("venues_lat_lng_idx").on(t.lat, t.lng),
    index("venues_org_idx").on(t.orgId),
  ],
);

export const performers = pgTable(
  "performers",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    genre: text("genre"),
    bio: text("bio"),
    createdAt: createdAt(),
  },
  (t) => [index("performers_org_idx").on(t.orgId)],
);

export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    orgId: orgId(),
    name: text("name").notNull(),
    description: text("description"),
    type: text("type").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    venueId: text("venue_id")
      .notNull()
      .references(() => venues.id),
    performerId: text("performer_id")
      .notNull()
      .references(() => performers.id),
    onSaleAt: timestamp("on_sale_at", { withTimezone: true }),
    queue: jsonb("queue").$type<QueueSettings>().notNull().default({ enabled: false }),
    perUserLimit: integer("per_user_limit").notNull().default(8),
    currency: text("currency").notNull().default("usd"),
    /**
     * What a fan pays on top of each ticket's face value (src/shared/pricing.ts):
     * a service fee (fixed, plus a percent of the face value in basis points)
     * and a tax rate in basis points on the face value and fee. Prices fans see
     * are all-in; the tickets' `price_cents` are face values.
     */
    feeFixedCents: integer("fee_fixed_cents").notNull().default(0),
    feePercentBp: integer("fee_percent_bp").notNull().default(0),
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    /** The event's image in R2 (its key), or null for none. */
    imageKey: text("image_key"),
    ticketCount: integer("ticket_count").notNull(),
    soldCount: integer("sold_count").notNull().default(0),
    minPriceCents: integer("min_price_cents").notNull(),
    maxPriceCents: integer("max_price_cents").notNull(),
    // Denormalized for single-table search; kept in step by the writers.
    performerName: text("performer_name").notNull(),
    venueName: text("venue_name").notNull(),
    city: text("city").notNull(),
    searchText: text("search_text").notNull(),
    searchDoc: tsvector("search_doc")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', name || ' ' || performer_name), 'A') || setweight(to_tsvector('simple', name || ' ' || performer_name), 'A') || setweight(to_tsvector('simple', venue_name || ' ' || city), 'B') || setweight(to_tsvector('english', coalesce(description, '')), 'D')`,
      ),
    status: text("status").$type<EventStatus>().notNull().default("scheduled"),
    /** The user who created the event (its organizer), for their daily quota. Null for events made before it was kept. */
    createdBy: text("created_by"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("events_starts_at_idx").on(t.startsAt, t.id),
    index("events_created_by_idx").on(t.createdBy, t.createdAt),
    index("events_org_starts_at_idx").on(t.orgId, t.startsAt, t.id),
    index("events_type_starts_at_idx").on(t.type, t.startsAt),
    index("events_venue_idx").on(t.venueId),
    index("events_venue_starts_at_idx").on(t.venueId, t.startsAt, t.id),
    index("events_city_starts_at_idx").on(sql`lower(${t.city})`, t.startsAt),
    index("events_search_doc_idx").using("gin", t.searchDoc),
    index("events_search_text_trgm_idx").using("gin", sql`${t.searchText} gin_trgm_ops`),
    check("events_fees_check", sql`${t.feeFixedCents} >= 0 and ${t.feePercentBp} between 0 and 10000 and ${t.taxRateBp} between 0 and 10000`),
    check("events_status_check", sql.raw(`status in (${EVENT_STATUSES.map((s) => `'${s}'`).join(", ")})`)),
  ],
);

/**
 * Every distinct word of the catalog's event, performer, venue and city
 * names, for typo correction (workers/api/catalog/search-words.ts), after
 * pg_trgm's "Text Search Integration". Kept current by triggers on `events`
 * (migrations/0010_search_at_scale.sql), not by the application; a word is
 * never removed (a stale one only adds an alternative that matches nothing).
 */
export const searchWords = pgTable(
  "search_words",
  { word: text("word").primaryKey() },
  (t) => [index("search_words_trgm_idx").using("gist", sql`${t.word} gist_trgm_ops`)],
);

/**
 * An event's cancellation: the job that refunds its bookings (a Workflow
 * instance per `generation`; the event's SeatRoom starts a new generation
 * when an instance stopped moving, judged by `progress_at`), until `done`.
 */
export const CANCELLATION_STATUSES = ["cancelling", "done"] as const;
export type CancellationStatus = (typeof CANCELLATION_STATUSES)[number];

export const eventCancellations = pgTable(
  "event_cancellations",
  {
    eventId: text("event_id")
      .primaryKey()
      .references(() => events.id),
    reason: text("reason").notNull(),
    requestedBy: text("requested_by").notNull(),
    status: text("status").$type<CancellationStatus>().notNull().default("cancelling"),
    generation: integer("generation").notNull().default(1),
    requestedAt: createdAt(),
    progressAt: timestamp("progress_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [check("event_cancellations_status_check", sql.raw(`status in (${CANCELLATION_STATUSES.map((s) => `'${s}'`).join(", ")})`))],
);

export const tickets = pgTable(
  "tickets",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    seatIndex: integer("seat_index").notNull(),
    section: text("section").notNull(),
    row: text("row"),
    seat: text("seat"),
    priceCents: integer("price_cents").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.seatIndex] }),
    index("tickets_event_section_idx").on(t.eventId, t.section, t.seatIndex),
  ],
);

export const bookings = pgTable(
  "bookings",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    userId: text("user_id").notNull(),
    holdId: text("hold_id").notNull().unique(),
    paymentIntentId: text("payment_intent_id").unique(),
    status: text("status").$type<BookingStatus>().notNull(),
    amountCents: integer("amount_cents").notNull(),
    /** Money returned so far; a booking with some tickets refunded stays confirmed. */
    refundedCents: integer("refunded_cents").notNull().default(0),
    currency: text("currency").notNull(),
    /** Where the fan's mail goes and in which language (from their token when they paid: a webhook carries no token). */
    fanEmail: text("fan_email"),
    fanLanguage: text("fan_language").notNull().default("en"),
    /** The presale or promo code the hold was made with (event_codes.id), if any. */
    codeId: text("code_id"),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("bookings_user_idx").on(t.userId, t.createdAt),
    index("bookings_event_idx").on(t.eventId, t.status),
    // The organizer's list and the orders export page an event's bookings by time.
    index("bookings_event_created_idx").on(t.eventId, t.createdAt, t.id),
    check("bookings_status_check", sql.raw(`status in (${BOOKING_STATUSES.map((s) => `'${s}'`).join(", ")})`)),
    check("bookings_refunded_check", sql`${t.refundedCents} >= 0 and ${t.refundedCents} <= ${t.amountCents}`),
  ],
);

/**
 * The fence between a SeatRoom and the booking transaction: one row per
 * hold, written once, by whichever decides first. The booking transaction
 * writes `booked`; a room that gives up on a hold whose booking never
 * arrived writes `ended`. The primary key makes it a compare-and-set in
 * Postgres, so a stalled booking can never commit after the room has let
 * its seats go, whatever either side's clock says.
 */
export const holdClaims = pgTable(
  "hold_claims",
  {
    holdId: text("hold_id").primaryKey(),
    eventId: text("event_id").notNull(),
    outcome: text("outcome").$type<"booked" | "ended">().notNull(),
    paymentIntentId: text("payment_intent_id"),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("hold_claims_outcome_check", sql`${t.outcome} in ('booked', 'ended')`)],
);

/**
 * An event's presale and promo codes (src/shared/codes.ts). Postgres keeps
 * what a code is; the event's SeatRoom counts its uses (reserved by live
 * holds, spent by bookings), so a code with N uses is never used N + 1 times.
 */
export const eventCodes = pgTable(
  "event_codes",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    /** As fans type it, normalized to upper case. */
    code: text("code").notNull(),
    kind: text("kind").$type<"presale" | "promo">().notNull(),
    /** A promo's discount per ticket: a percent of the face value in basis points, or a fixed amount. */
    discountPercentBp: integer("discount_percent_bp"),
    discountFixedCents: integer("discount_fixed_cents"),
    /** The sections a promo's discount applies to; null for all. */
    sections: jsonb("sections").$type<string[]>(),
    maxUses: integer("max_uses").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }),
    endsAt: timestamp("ends_at", { withTimezone: true }),
    disabled: boolean("disabled").notNull().default(false),
    createdBy: text("created_by"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("event_codes_event_code_idx").on(t.eventId, t.code),
    check("event_codes_kind_check", sql`${t.kind} in ('presale', 'promo')`),
    check("event_codes_max_uses_check", sql`${t.maxUses} >= 0`),
  ],
);

export const bookedTickets = pgTable(
  "booked_tickets",
  {
    bookingId: text("booking_id")
      .notNull()
      .references(() => bookings.id),
    eventId: text("event_id").notNull(),
    seatIndex: integer("seat_index").notNull(),
    /** What the fan paid for this ticket, all in: face − discount + fee + tax (a refund returns it). */
    priceCents: integer("price_cents").notNull(),
    /** The split of `price_cents` (src/shared/pricing.ts); all 0 but the face for bookings made before fees. */
    faceCents: integer("face_cents").notNull().default(0),
    discountCents: integer("discount_cents").notNull().default(0),
    feeCents: integer("fee_cents").notNull().default(0),
    taxCents: integer("tax_cents").notNull().default(0),
    // A refunded booking releases its seats but keeps its history.
    released: boolean("released").notNull().default(false),
    /**
     * Who holds the ticket now: null while the buyer does; after a transfer,
     * the recipient's user id, or only their email until they sign in.
     */
    holderId: text("holder_id"),
    holderEmail: text("holder_email"),
    /** Bumped by every transfer: codes signed with an older version are void. */
    codeVersion: integer("code_version").notNull().default(1),
  },
  (t) => [
    primaryKey({ columns: [t.bookingId, t.eventId, t.seatIndex] }),
    foreignKey({ columns: [t.eventId, t.seatIndex], foreignColumns: [tickets.eventId, tickets.seatIndex] }),
    uniqueIndex("booked_tickets_one_live_booking")
      .on(t.eventId, t.seatIndex)
      .where(sql`${t.released} = false`),
    // A fan's received tickets (`/me/tickets`).
    index("booked_tickets_holder_idx").on(t.holderId).where(sql`${t.holderId} is not null`),
    index("booked_tickets_holder_email_idx").on(t.holderEmail).where(sql`${t.holderEmail} is not null and ${t.holderId} is null`),
  ],
);

/**
 * Refunds an organizer asked for: which tickets of a booking, how much, and
 * whether their seats go back on sale. The request voids its tickets at once
 * (booked_tickets.released) in the transaction that writes this row; the
 * money is returned by the provider with the row's id as idempotency key,
 * so a retried request refunds once. `pending` until the provider accepts
 * it, then `succeeded`, or `failed` with the provider's reason. The
 * booking's refunded amount follows the money (the lifecycle records it).
 */
export const REFUND_STATUSES = ["pending", "succeeded", "failed"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const refunds = pgTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    bookingId: text("booking_id")
      .notNull()
      .references(() => bookings.id),
    eventId: text("event_id").notNull(),
    seats: jsonb("seats").$type<number[]>().notNull(),
    amountCents: integer("amount_cents").notNull(),
    /**
     * It voids the booking's last tickets, so it returns whatever the payment
     * has left at the provider (`amount_cents` is the estimate): money
     * returned by other means (the provider's dashboard) is never asked twice.
     */
    whole: boolean("whole").notNull().default(false),
    reason: text("reason"),
    restock: boolean("restock").notNull(),
    status: text("status").$type<RefundStatus>().notNull(),
    failure: text("failure"),
    requestedBy: text("requested_by").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("refunds_booking_idx").on(t.bookingId, t.createdAt),
    index("refunds_event_idx").on(t.eventId, t.status),
    check("refunds_status_check", sql.raw(`status in (${REFUND_STATUSES.map((s) => `'${s}'`).join(", ")})`)),
    check("refunds_amount_check", sql`${t.amountCents} >= 0`),
  ],
);

/**
 * The fan's contact for a hold, written when they start paying (with their
 * token), copied onto the booking the webhook writes later.
 */
export const holdContacts = pgTable("hold_contacts", {
  holdId: text("hold_id").primaryKey(),
  userId: text("user_id").notNull(),
  email: text("email"),
  language: text("language").notNull().default("en"),
  createdAt: createdAt(),
});

/** Every change of a ticket's holder, for the organizer's history of a ticket. */
export const ticketTransfers = pgTable(
  "ticket_transfers",
  {
    id: text("id").primaryKey(),
    bookingId: text("booking_id")
      .notNull()
      .references(() => bookings.id),
    eventId: text("event_id").notNull(),
    seatIndex: integer("seat_index").notNull(),
    fromUser: text("from_user").notNull(),
    toUser: text("to_user"),
    toEmail: text("to_email"),
    /** The code version the recipient's codes carry. */
    codeVersion: integer("code_version").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("ticket_transfers_ticket_idx").on(t.eventId, t.seatIndex, t.createdAt)],
);

export const MAIL_STATES = ["pending", "sent", "failed"] as const;
export type MailState = (typeof MAIL_STATES)[number];

/**
 * The mail outbox: every message is written here in the same transaction as
 * what caused it, then delivered through the MAIL queue; a sweep re-queues
 * what was never marked sent. `dedupe_key` makes writing a message twice
 * (a retried webhook, a re-run job step) one message.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    kind: text("kind").notNull(),
    toAddress: text("to_address").notNull(),
    language: text("language").notNull().default("en"),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    state: text("state").$type<MailState>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: createdAt(),
    queuedAt: timestamp("queued_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("mail_outbox_pending_idx").on(t.state, t.createdAt),
    check("mail_outbox_state_check", sql.raw(`state in (${MAIL_STATES.map((s) => `'${s}'`).join(", ")})`)),
  ],
);

/**
 * A fan waiting for returns of a sold-out event: their contact and what they
 * want. The order of the line and its offers are the SeatRoom's; this row is
 * what mail needs.
 */
export const waitlistEntries = pgTable(
  "waitlist_entries",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    userId: text("user_id").notNull(),
    email: text("email"),
    language: text("language").notNull().default("en"),
    quantity: integer("quantity").notNull(),
    section: text("section"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] })],
);

export const paymentEvents = pgTable(
  "payment_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    /** The event the payment is for, and when the provider created the event: the ops view's webhook lag. */
    eventId: text("event_id"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("payment_events_event_received_idx").on(t.eventId, t.receivedAt)],
);

/**
 * Every mid-sale control (pause, resume, hold extensions, queue settings,
 * blocks) and event change, with who made it, when, and the state before and
 * after: one row per action, written by the operation itself
 * (workers/api/ops/operations.ts), listed by `GET /api/events/:id/ops/audit`.
 */
export const opsAudit = pgTable(
  "ops_audit",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    orgId: text("org_id").notNull(),
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    reason: text("reason"),
    before: jsonb("before"),
    after: jsonb("after"),
    requestId: text("request_id"),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("ops_audit_event_at_idx").on(t.eventId, t.at, t.id)],
);

/**
 * The simulated payment provider's PaymentIntents (local development and
 * tests, when no Stripe key is set). Production never writes here.
 */
export const simulatedPaymentIntents = pgTable("simulated_payment_intents", {
  id: text("id").primaryKey(),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull(),
  status: text("status").notNull(),
  captureMethod: text("capture_method").notNull(),
  metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
  clientSecret: text("client_secret").notNull(),
  idempotencyKey: text("idempotency_key").unique(),
  amountCapturable: integer("amount_capturable").notNull().default(0),
  amountReceived: integer("amount_received").notNull().default(0),
  amountRefunded: integer("amount_refunded").notNull().default(0),
  createdAt: createdAt(),
});

/** The simulated provider's partial refunds, one per idempotency key (as Stripe keeps them). */
export const simulatedRefunds = pgTable("simulated_refunds", {
  idempotencyKey: text("idempotency_key").primaryKey(),
  paymentIntentId: text("payment_intent_id").notNull(),
  amount: integer("amount").notNull(),
  createdAt: createdAt(),
});

/**
 * The events the simulated provider would send to its webhook, in order:
 * an outbox that the dev routes (and the chaos suite) deliver now, later,
 * twice or out of order, through the real webhook endpoint.
 */
export const simulatedPaymentEvents = pgTable(
  "simulated_payment_events",
  {
    id: text("id").primaryKey(),
    paymentIntentId: text("payment_intent_id").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    deliveries: integer("deliveries").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("simulated_payment_events_intent_idx").on(t.paymentIntentId, t.createdAt)],
);

/**
 * Test control of the simulated provider: while `unavailable_until` is
 * ahead, every call about a payment of the event `scope` (or of any event,
 * for `*`) fails as in an outage of Stripe.
 */
export const simulatedProviderOutages = pgTable("simulated_provider_outages", {
  scope: text("scope").primaryKey(),
  unavailableUntil: timestamp("unavailable_until", { withTimezone: true }).notNull(),
});
