/**
 * The live operating figures of an on-sale and the controls of the team
 * running it (`/api/events/:id/ops…`, the page `/organizer/events/:id/live`).
 * The rooms keep the figures in memory with a short rolling history (an
 * hour, by minute), so the view needs no external service; Postgres adds the
 * money's figures and keeps the audit of every control. Declared once here:
 * the rooms fill the room parts, the API the rest, the page reads them all.
 */
import { z } from "@hono/zod-openapi";
import { Availability } from "./organizer";
import { QueueSettings } from "./queue";

/** Why the API or a room refused a hold. */
export const REJECTION_REASONS = ["sold_out", "limit", "rate_limited", "no_admission", "paused", "other"] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What the rooms count, per minute and since they started. */
export const SEAT_COUNTERS = [
  "holdsCreated",
  "seatsHeld",
  "holdsReleased",
  "holdsExpired",
  "holdsBooked",
  "seatsSold",
  "authorized",
  "paymentsFailed",
  "paymentsCancelled",
  "seatsFreed",
  "errors",
] as const;
export type SeatCounter = (typeof SEAT_COUNTERS)[number];

const count = z.number().int().min(0);
const ms = z.number().min(0);
const Rejected = z.object(Object.fromEntries(REJECTION_REASONS.map((r) => [r, count])) as Record<RejectionReason, typeof count>);
const SeatCounts = z.object(Object.fromEntries(SEAT_COUNTERS.map((k) => [k, count])) as Record<SeatCounter, typeof count>);

/** One minute of a room's counters: `at` is the minute's start (epoch ms). */
export const SeatMinute = SeatCounts.extend({ at: z.number().int(), rejected: Rejected }).openapi("OpsSeatMinute");
export type SeatMinute = z.infer<typeof SeatMinute>;

export const SectionFigures = Availability.extend({ name: z.string() }).openapi("OpsSection");

/** Why and since when sales are paused (holds refused with 503), or null. */
export const SalesPause = z
  .object({ since: z.string(), by: z.string(), reason: z.string(), retryAfterSeconds: z.number().int() })
  .nullable()
  .openapi("OpsSalesPause");
export type SalesPause = z.infer<typeof SalesPause>;

export const SeatOps = z
  .object({
    seq: z.number().int(),
    /** When the room started counting (its figures are since then; the history is the last hour). */
    countingSince: z.string(),
    paused: SalesPause,
    seats: Availability.extend({ bySection: z.array(SectionFigures) }),
    sellOut: z.object({
      seatsPerMinute: z.number().openapi({ description: "seats taken by holds minus seats freed, per minute over the last 5 minutes" }),
      etaSeconds: z.number().int().nullable().openapi({ description: "at that rate, when nothing is left; null when the rate is 0 or sold out" }),
    }),
    holds: z.object({
      live: count,
      createdThisMinute: count.openapi({ description: "holds created in the current clock minute (the history has the minutes before)" }),
      conversion: z.number().nullable().openapi({ description: "holds booked / holds ended (booked, released or expired) since counting began" }),
      medianSecondsToPay: z.number().nullable().openapi({ description: "from hold to booking, the last 500 bookings" }),
    }),
    health: z.object({
      stepP50Ms: ms.nullable(),
      stepP99Ms: ms.nullable(),
      steps: count,
      rejected: Rejected,
      errors: count,
    }),
    totals: SeatCounts,
    history: z.array(SeatMinute),
  })
  .openapi("OpsSeatRoom");
export type SeatOps = z.infer<typeof SeatOps>;

/** One minute of the waiting room. */
export const QueueMinute = z.object({ at: z.number().int(), joined: count, admitted: count, waiting: count }).openapi("OpsQueueMinute");
export type QueueMinute = z.infer<typeof QueueMinute>;

export const QueueOps = z
  .object({
    enabled: z.boolean(),
    settings: QueueSettings,
    opened: z.boolean(),
    waiting: count,
    early: count.openapi({ description: "came before the on-sale time (the lottery), still waiting" }),
    late: count.openapi({ description: "came after, first come first served, still waiting" }),
    admittedTotal: count,
    admittedThisMinute: count.openapi({ description: "fans admitted in the current clock minute" }),
    lastAdmittedNumber: count.openapi({ description: "the place in line of the last fan admitted (1 = first)" }),
    medianWaitSeconds: z.number().nullable().openapi({ description: "join to admission, the last 500 admissions" }),
    sessionsActive: count,
    history: z.array(QueueMinute),
  })
  .openapi("OpsQueue");
export type QueueOps = z.infer<typeof QueueOps>;

export const PaymentOps = z
  .object({
    authorized: count.openapi({ description: "bookings whose payment is authorized, not yet captured" }),
    captured: count,
    cancelled: count,
    refunded: count.openapi({ description: "refunds that returned money" }),
    refundsPending: count,
    failed: count.openapi({ description: "refunds refused by the provider, and payments refused by the room" }),
    webhookLagP50Ms: ms.nullable().openapi({ description: "provider event created → received, the last 15 minutes" }),
    webhookLagP99Ms: ms.nullable(),
  })
  .openapi("OpsPayments");
export type PaymentOps = z.infer<typeof PaymentOps>;

export const OpsFigures = z
  .object({
    eventId: z.string(),
    name: z.string(),
    at: z.string(),
    status: z.string(),
    onSaleAt: z.string().nullable(),
    startsAt: z.string(),
    currency: z.string(),
    seatRoom: SeatOps.nullable().openapi({ description: "null when the room did not answer (see `unavailable`)" }),
    queue: QueueOps.nullable().openapi({ description: "null when the event has no waiting room" }),
    payments: PaymentOps.nullable(),
    unavailable: z.array(z.string()).openapi({ description: "the parts that could not be read just now" }),
  })
  .openapi("OpsFigures");
export type OpsFigures = z.infer<typeof OpsFigures>;

/** Controls */

export const PauseSales = z
  .object({
    reason: z.string().trim().min(1).max(200).openapi({ description: "shown to the team and in the audit" }),
    retryAfterSeconds: z.number().int().min(5).max(3600).default(60).openapi({ description: "what refused fans are told to wait" }),
  })
  .strict()
  .openapi("OpsPauseSales");

export const ResumeSales = z.object({ reason: z.string().trim().max(200).optional() }).strict().openapi("OpsResumeSales");

export const ExtendHolds = z
  .object({
    minutes: z.number().int().min(1).max(60),
    reason: z.string().trim().min(1).max(200),
  })
  .strict()
  .openapi("OpsExtendHolds");

export const QueueControl = QueueSettings.omit({ enabled: true })
  .extend({ reason: z.string().trim().max(200).optional() })
  .strict()
  .openapi("OpsQueueControl");

export const AUDIT_ACTIONS = ["sales_paused", "sales_resumed", "holds_extended", "queue_changed", "seats_blocked", "block_released", "event_changed", "event_cancelled"] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEntry = z
  .object({
    id: z.string(),
    eventId: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    actor: z.string(),
    at: z.string(),
    reason: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
  })
  .openapi("OpsAuditEntry");
export type AuditEntry = z.infer<typeof AuditEntry>;
