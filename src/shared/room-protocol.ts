/**
 * Everything that crosses the boundary between the API (or the booking
 * lifecycle) and the rooms: the public view of a hold, the outcome of each
 * SeatRoom step, the seat status codes of the live map, and the QueueRoom's
 * outcomes and position frames. Declared once here and imported by both
 * sides (and by the browser code through the API's JSON); the rooms'
 * internal types never leave the rooms.
 */
import type { Discount, TicketCharge } from "./pricing";
import type { Place } from "./queue";

/**
 * A hold's life: held → paying → booking → booked, or it ends as expired
 * (time ran out), released (the fan gave it back, or replaced it), cancelled
 * (its booking was voided before any money moved) or refunded (its booking
 * was paid and the money returned).
 */
export const HOLD_STATES = ["held", "paying", "booking", "booked", "expired", "released", "cancelled", "refunded"] as const;
export type HoldState = (typeof HOLD_STATES)[number];

/** States in which a hold still claims its seats (held and paying only until their expiry). */
export const ACTIVE_HOLD_STATES: ReadonlySet<HoldState> = new Set(["held", "paying", "booking"]);

/** A hold as the SeatRoom reports it (times in epoch ms). */
export interface HoldRecord {
  id: string;
  eventId: string;
  userId: string;
  state: HoldState;
  seats: number[];
  expiresAt: number;
  /** What the fan pays, all in: the sum of `charges`. */
  totalCents: number;
  currency: string;
  /** Each ticket's price, split (src/shared/pricing.ts); empty for holds made before prices were split. */
  charges: TicketCharge[];
  /** The presale or promo code the hold was made with. */
  code: HoldCode | null;
  paymentIntentId: string | null;
  bookingId: string | null;
}

export type CodeKind = "presale" | "promo";

/** A code as a hold carries it. */
export interface HoldCode {
  id: string;
  code: string;
  kind: CodeKind;
}

/**
 * A code of the event as its room knows it (Postgres keeps what codes are;
 * the room loads them with its catalog): the room checks its window and
 * counts its uses, reserved by live holds and spent by booked ones, so it is
 * never used more than `maxUses` times.
 */
export interface CodeGrant extends HoldCode {
  maxUses: number;
  startsAt: number | null;
  endsAt: number | null;
  /** A promo's discount per ticket, and the seats it applies to as runs [first, count] (null: every seat). */
  discount: Discount | null;
  seatRuns: [number, number][] | null;
}

/**
 * What a room call carries for the logs: the request id of the API request
 * (or webhook, or job) that made it. Always the last parameter, and
 * optional, so rooms of the previous release ignore it and a room of this
 * release accepts calls without it (docs/operations.md).
 */
export interface Trace {
  requestId?: string;
}

/** A refusal the API turns into a problem response with this status. */
export interface Rejection {
  kind: "rejected";
  status: 400 | 403 | 404 | 409 | 422 | 503;
  detail: string;
  /** With 503: sales are paused, and this is how long the fan is told to wait. */
  retryAfterSeconds?: number;
  /** The hold's state, when the refusal is about a hold that exists. */
  state?: HoldState;
}

export type ReserveOutcome = { kind: "held"; hold: HoldRecord } | { kind: "unavailable"; seats: number[] } | Rejection;

export interface ReserveCommand {
  eventId: string;
  userId: string;
  seats: number[];
  idempotencyKey: string | null;
  /** The waiting-room session of an admission token the API verified for this fan and event. */
  admission: { session: string; until: number } | null;
  /** A presale or promo code the fan applied, as typed (upper case); the room knows the event's codes. */
  code?: string | null;
  /** The request's id, for the logs (absent from callers of the previous release). */
  requestId?: string;
}

/** Checkout: the hold is paying; `paymentIntentId` is set once a payment is attached. */
export type CheckoutOutcome = { kind: "paying"; hold: HoldRecord } | Rejection;
export type AttachOutcome = { kind: "attached"; hold: HoldRecord } | Rejection;
export type ReleaseOutcome = { kind: "released" } | { kind: "ended" } | Rejection;

/**
 * How a hold stands for one payment, as the booking lifecycle sees it:
 * open (held or paying, live), booking (claimed for this payment), booked,
 * or ended (expired, released, voided, unknown, or paid by another payment).
 */
export type HoldPhase = "open" | "booking" | "booked" | "ended";

export interface PaymentHold {
  phase: HoldPhase;
  hold: HoldRecord | null;
}

/** The room's answer to an authorized payment: its seats are claimed for booking, or refused. */
export type ClaimOutcome = { kind: "claimed"; hold: HoldRecord } | { kind: "refused"; reason: string };

/** A booking as Postgres has it, for the room to mark its seats sold. */
export interface SoldBooking {
  id: string;
  userId: string;
  seats: number[];
}

/**
 * Seat statuses of the live map; each is one ASCII digit per seat in a
 * snapshot ('0' available, '1' held, '2' sold, '3' blocked by the box
 * office), and each is a key of a delta frame listing the seats that moved
 * to it.
 */
export const SEAT_STATUSES = ["available", "held", "sold", "blocked"] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];
export const STATUS_CODES: Record<SeatStatus, number> = { available: 48, held: 49, sold: 50, blocked: 51 }; // '0' '1' '2' '3'

/** A box-office block: seats taken off sale by the organizer (production holds, cameras, VIPs). */
export interface BlockRecord {
  id: string;
  seats: number[];
  reason: string;
  createdBy: string;
  createdAt: number;
}

export type BlockOutcome = { kind: "blocked"; block: BlockRecord } | { kind: "conflict"; seats: number[] } | Rejection;
export type UnblockOutcome = { kind: "released"; block: BlockRecord; seats: number[] } | Rejection;

// ---- The door (workers/seat-room/door.ts) ----

/** A ticket scanned at a gate, its code already verified by the API or the device. */
export interface DoorScan {
  seat: number;
  bookingId: string;
  version: number;
  gate: string;
  /** Who scanned (the door user's id). */
  by: string;
  /** The device that scanned (offline uploads). */
  device: string | null;
  /** Admitted by a device offline; `at` is when. */
  offline: boolean;
  at: number;
}

export interface DoorAdmission {
  at: number;
  gate: string;
}

export type DoorOutcome =
  | ({ kind: "admitted" } & DoorAdmission)
  | ({ kind: "already admitted" } & DoorAdmission)
  | ({ kind: "duplicate" } & DoorAdmission)
  | ({ kind: "conflict" } & DoorAdmission)
  | { kind: "void"; detail: string };

export type ReissueOutcome = { kind: "reissued" } | { kind: "void"; seat: number } | ({ kind: "already admitted"; seat: number } & DoorAdmission);

/** Seats that are neither free nor sold: in live holds, or blocked. */
export interface TakenSeats {
  held: number[];
  blocked: number[];
}

/** What the invariant checker reads of a room. */
export interface RoomInspection {
  eventId: string;
  now: number;
  perUserLimit: number;
  /** Longest a fan may hold seats in one window: time to live plus the checkout grace. */
  maxHoldMs: number;
  /** Longest a waitlist offer may hold its seats: the offer's time plus the checkout grace (absent: `maxHoldMs`). */
  maxOfferMs?: number;
  /** Holds that still claim seats or may (held, paying, booking), live or past expiry. */
  activeHolds: {
    id: string;
    userId: string;
    state: HoldState;
    seats: number[];
    createdAt: number;
    expiresAt: number;
    live: boolean;
    paymentIntentId: string | null;
    /** A waitlist offer (it lasts `maxOfferMs`). */
    offer?: boolean;
  }[];
  /** Every payment the room ever attached to a hold, with the hold's state. */
  payments: { paymentIntentId: string; holdId: string; userId: string; state: HoldState }[];
  /** Payments the room still has to settle (its due work). */
  paymentsDue: string[];
  sold: { seat: number; bookingId: string; userId: string }[];
}

// ---- The waitlist (workers/seat-room/waitlist.ts) ----

/**
 * A fan's entry on a sold-out event's waitlist: `waiting` (in join order),
 * `offered` (returned seats are held in their name until the offer's
 * expiry), `expired` (the offer lapsed or was released, and went to the
 * next fan), `booked` (they bought the offered seats), `left` (they left the
 * list). The last three are ended: joining again puts the fan at the back.
 */
export const WAITLIST_STATES = ["waiting", "offered", "expired", "booked", "left", "closed"] as const;
export type WaitlistState = (typeof WAITLIST_STATES)[number];

/** A section's name and its seats: sections own consecutive seat indexes [first, first + count). */
export interface SectionRange {
  name: string;
  first: number;
  count: number;
}

export interface WaitlistJoin {
  eventId: string;
  userId: string;
  quantity: number;
  /** Only seats of this section, or anywhere (null). */
  section: SectionRange | null;
}

/** A fan's entry as the room reports it (times in epoch ms). */
export interface WaitlistView {
  state: WaitlistState;
  quantity: number;
  section: string | null;
  joinedAt: number;
  /** 1 is next; only while waiting. */
  position: number | null;
  /** The offered hold: while offered, and kept once it expired or was booked. */
  offer: { holdId: string; seats: number[]; expiresAt: number } | null;
}

/** `joined`: a new entry; `already`: the fan asked again for what they are waiting for (same entry). */
export type WaitlistJoinOutcome = { kind: "joined" | "already"; entry: WaitlistView } | Rejection;
export type WaitlistLeaveOutcome = { kind: "left"; entry: WaitlistView } | Rejection;

// ---- The waiting room (QueueRoom) ----

/**
 * A fan's state in the waiting room: `waiting` (before the sale, with
 * `opensAt` and no position until the lottery is drawn; or in line),
 * `admitted` (their turn has come), `ended` (their session ended: booked,
 * released, lapsed or cancelled; an old ticket cannot revive it). `paused`
 * and `closed` are the whole queue's.
 */
export const QUEUE_STATES = ["waiting", "admitted", "ended", "paused", "closed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
/** Why a fan's place ended. */
export const QUEUE_END_REASONS = ["booked", "released", "lapsed", "cancelled", "replaced"] as const;
export type QueueEndReason = (typeof QUEUE_END_REASONS)[number];

export type QueueView =
  | { state: "waiting"; ahead: number | null; etaSeconds: number; opensAt?: number; soldOut?: boolean }
  | { state: "admitted" }
  | { state: "ended"; reason: QueueEndReason }
  | { state: "paused"; ahead: number | null }
  | { state: "closed" };

export type JoinOutcome = { kind: "joined"; place: Place; view: QueueView } | { kind: "rejected"; status: 404 | 409; detail: string };
export type StatusOutcome = { kind: "status"; view: QueueView } | { kind: "admitted"; token: string; expiresAt: number } | { kind: "rejected"; status: 404 | 409; detail: string };

export type LeaveOutcome = { kind: "left" | "not-in-line" } | { kind: "rejected"; status: 409; detail: string };

export interface DrawRecord {
  seedHash: string;
  seed: string | null;
  opened: boolean;
  earlyCount: number;
  lateCount: number;
  admittedTotal: number;
  rank: string;
}

/** A view as the API shows it: position 1 is next. */
export function positionBody(v: QueueView) {
  const ahead = "ahead" in v ? v.ahead : v.state === "admitted" ? 0 : null;
  return {
    state: v.state,
    position: ahead === null ? null : ahead + 1,
    ahead,
    etaSeconds: "etaSeconds" in v ? v.etaSeconds : 0,
    ...("opensAt" in v && v.opensAt !== undefined ? { opensAt: new Date(v.opensAt).toISOString() } : {}),
    ...("soldOut" in v && v.soldOut ? { soldOut: true } : {}),
    ...("reason" in v ? { reason: v.reason } : {}),
  };
}
