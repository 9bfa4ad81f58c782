/**
 * The SeatRoom's SQLite: the durable truth of the room, from which memory is
 * rebuilt after an eviction or restart.
 *
 * - `meta`: the event's catalog (ticket count, prices as runs, limits, times).
 * - `holds`: every hold with its state and expiry; the active ones are the
 *   table of due work that the one alarm is armed for.
 * - `sold`: the mirror of Postgres bookings (rebuilt from Postgres when the
 *   room's storage is empty).
 * - `hold_events`: an append-only log of seat changes; its `seq` is the
 *   room's monotonic sequence number.
 * - `blocks`: box-office blocks (see `blocks.ts`).
 * - `door_*`: admissions at the door and voided ticket codes (see `door.ts`).
 * - `waitlist`, `waitlist_notices`: fans waiting for returned seats, their
 *   offers, and the offers' mail still to write (see `waitlist-book.ts`).
 * - `payments_due`: payments the room must settle (a paying hold lapsed or
 *   was released, a claim's booking window ends); with the active holds'
 *   expiries, the table of due work the one alarm is armed for.
 *
 * Rooms created by an older release are brought forward by `migrate` (the
 * schema version lives in `meta`).
 *
 * SQLite in a Durable Object binds at most 100 parameters per statement, so
 * bulk inserts go in chunks.
 */
import type { TicketCharge } from "../../src/shared/pricing";
import { ACTIVE_HOLD_STATES, type HoldCode, type HoldState, type SeatStatus } from "../../src/shared/room-protocol";
import { hasTable } from "../../src/shared/room-sql";
import { BLOCKS_SCHEMA } from "./blocks";
import { CODE_USES_SCHEMA } from "./code-uses";
import { DOOR_SCHEMA } from "./door";
import { WAITLIST_SCHEMA } from "./waitlist";
import type { Admission, Catalog, Hold } from "./rules";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS holds (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, state TEXT NOT NULL, seats TEXT NOT NULL,
  expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL, total_cents INTEGER NOT NULL,
  currency TEXT NOT NULL, payment_intent_id TEXT, booking_id TEXT, grace_used INTEGER NOT NULL,
  idempotency_key TEXT
);
CREATE INDEX IF NOT EXISTS holds_active ON holds (state, expires_at);
CREATE UNIQUE INDEX IF NOT EXISTS holds_idempotency ON holds (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS sold (seat_index INTEGER PRIMARY KEY, booking_id TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shopping_sessions (user_id TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ended_sessions (session_id TEXT PRIMARY KEY, ended_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hold_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, hold_id TEXT, kind TEXT NOT NULL,
  status TEXT NOT NULL, seats TEXT NOT NULL
);`;

/** Version 2: holds remember their waiting-room admission and whether the Postgres fence ended them; payments due. */
const VERSION_2 = `
ALTER TABLE holds ADD COLUMN admission TEXT;
ALTER TABLE holds ADD COLUMN fenced INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS holds_user ON holds (user_id, created_at);
CREATE TABLE IF NOT EXISTS payments_due (
  payment_intent_id TEXT PRIMARY KEY, hold_id TEXT NOT NULL, due_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
);`;

const SCHEMA_VERSION = 6;
const MAX_PARAMS = 100;

/** Whether this room has ever stored anything (a room is only given tables once it knows its event is real). */
export function hasSchema(sql: SqlStorage): boolean {
  return hasTable(sql, "meta");
}

/** Brings a room that has stored something forward; a room that never knew its event stays empty. */
export function migrateIfCreated(sql: SqlStorage): void {
  if (hasSchema(sql)) migrate(sql);
}

export function migrate(sql: SqlStorage): void {
  sql.exec(SCHEMA);
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'schema_version'").toArray()[0];
  const version = row ? Number(row.value) : 1;
  if (version < 2) sql.exec(VERSION_2);
  // Version 3: box-office blocks.
  if (version < 3) sql.exec(BLOCKS_SCHEMA);
  // Version 4: the door (admissions, voided codes, offline conflicts).
  if (version < 4) sql.exec(DOOR_SCHEMA);
  // Version 5: the waitlist.
  if (version < 5) sql.exec(WAITLIST_SCHEMA);
  // Version 6: holds keep their price split and code (code-uses.ts).
  if (version < 6) sql.exec(CODE_USES_SCHEMA);
  if (version < SCHEMA_VERSION) sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", String(SCHEMA_VERSION));
}

export function readCatalog(sql: SqlStorage): Catalog | undefined {
  if (!hasSchema(sql)) return undefined;
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'catalog'").toArray()[0];
  return row ? (JSON.parse(row.value) as Catalog) : undefined;
}

export function writeCatalog(sql: SqlStorage, catalog: Catalog): void {
  sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('catalog', ?)", JSON.stringify(catalog));
}

interface HoldRow extends Record<string, SqlStorageValue> {
  id: string;
  user_id: string;
  state: string;
  seats: string;
  expires_at: number;
  created_at: number;
  total_cents: number;
  currency: string;
  payment_intent_id: string | null;
  booking_id: string | null;
  grace_used: number;
  idempotency_key: string | null;
  admission: string | null;
  fenced: number;
  charges: string | null;
  code: string | null;
}

function toHold(row: HoldRow, eventId: string): Hold {
  return {
    id: row.id,
    eventId,
    userId: row.user_id,
    state: row.state as HoldState,
    seats: JSON.parse(row.seats) as number[],
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    totalCents: row.total_cents,
    currency: row.currency,
    charges: row.charges ? (JSON.parse(row.charges) as TicketCharge[]) : [],
    code: row.code ? (JSON.parse(row.code) as HoldCode) : null,
    paymentIntentId: row.payment_intent_id,
    bookingId: row.booking_id,
    graceUsed: row.grace_used === 1,
    idempotencyKey: row.idempotency_key,
    admission: row.admission ? (JSON.parse(row.admission) as Admission) : null,
    fenced: row.fenced === 1,
  };
}

export function activeHolds(sql: SqlStorage, eventId: string): Hold[] {
  const states = [...ACTIVE_HOLD_STATES];
  return sql
    .exec<HoldRow>(`SELECT * FROM holds WHERE state IN (${states.map(() => "?").join(",")})`, ...states)
    .toArray()
    .map((row) => toHold(row, eventId));
}

export function findHold(sql: SqlStorage, eventId: string, id: string): Hold | undefined {
  const row = sql.exec<HoldRow>("SELECT * FROM holds WHERE id = ?", id).toArray()[0];
  return row ? toHold(row, eventId) : undefined;
}

export function findHoldByKey(sql: SqlStorage, eventId: string, userId: string, key: string): Hold | undefined {
  const row = sql.exec<HoldRow>("SELECT * FROM holds WHERE user_id = ? AND idempotency_key = ?", userId, key).toArray()[0];
  return row ? toHold(row, eventId) : undefined;
}

/** The fan's most recent hold, whatever its state (its window may carry over to a new one). */
export function latestHoldOf(sql: SqlStorage, eventId: string, userId: string): Hold | undefined {
  const row = sql.exec<HoldRow>("SELECT * FROM holds WHERE user_id = ? ORDER BY created_at DESC LIMIT 1", userId).toArray()[0];
  return row ? toHold(row, eventId) : undefined;
}

/** Every hold that ever had a payment attached (for the invariant checker). */
export function holdsWithPayments(sql: SqlStorage, eventId: string): Hold[] {
  return sql
    .exec<HoldRow>("SELECT * FROM holds WHERE payment_intent_id IS NOT NULL")
    .toArray()
    .map((row) => toHold(row, eventId));
}

export function writeHold(sql: SqlStorage, hold: Hold): void {
  sql.exec(
    `INSERT OR REPLACE INTO holds (id, user_id, state, seats, expires_at, created_at, total_cents, currency,
       payment_intent_id, booking_id, grace_used, idempotency_key, admission, fenced, charges, code, code_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    hold.id,
    hold.userId,
    hold.state,
    JSON.stringify(hold.seats),
    hold.expiresAt,
    hold.createdAt,
    hold.totalCents,
    hold.currency,
    hold.paymentIntentId,
    hold.bookingId,
    hold.graceUsed ? 1 : 0,
    hold.idempotencyKey,
    hold.admission ? JSON.stringify(hold.admission) : null,
    hold.fenced ? 1 : 0,
    hold.charges.length > 0 ? JSON.stringify(hold.charges) : null,
    hold.code ? JSON.stringify(hold.code) : null,
    hold.code?.id ?? null,
  );
}


/** Marks the hold of a booking as ended with its booking (cancelled or refunded). */
export function endHoldOfBooking(sql: SqlStorage, bookingId: string, state: HoldState): void {
  sql.exec("UPDATE holds SET state = ? WHERE booking_id = ?", state, bookingId);
}

export interface SoldSeat {
  seat: number;
  bookingId: string;
  userId: string;
}

export function readSold(sql: SqlStorage): SoldSeat[] {
  return sql
    .exec<{ seat_index: number; booking_id: string; user_id: string }>("SELECT seat_index, booking_id, user_id FROM sold")
    .toArray()
    .map((r) => ({ seat: r.seat_index, bookingId: r.booking_id, userId: r.user_id }));
}

export function writeSold(sql: SqlStorage, seats: SoldSeat[]): void {
  const perRow = 3;
  const rowsPerStatement = Math.floor(MAX_PARAMS / perRow);
  for (let i = 0; i < seats.length; i += rowsPerStatement) {
    const chunk = seats.slice(i, i + rowsPerStatement);
    sql.exec(
      `INSERT OR REPLACE INTO sold (seat_index, booking_id, user_id) VALUES ${chunk.map(() => "(?, ?, ?)").join(",")}`,
      ...chunk.flatMap((s) => [s.seat, s.bookingId, s.userId]),
    );
  }
}

export function deleteSold(sql: SqlStorage, seats: number[]): void {
  for (let i = 0; i < seats.length; i += MAX_PARAMS) {
    const chunk = seats.slice(i, i + MAX_PARAMS);
    sql.exec(`DELETE FROM sold WHERE seat_index IN (${chunk.map(() => "?").join(",")})`, ...chunk);
  }
}

export interface PaymentDue {
  paymentIntentId: string;
  holdId: string;
  dueAt: number;
  attempts: number;
}

/** Schedules a payment to be settled at `at` (an earlier time already scheduled wins). */
export function schedulePayment(sql: SqlStorage, paymentIntentId: string, holdId: string, at: number): void {
  sql.exec(
    `INSERT INTO payments_due (payment_intent_id, hold_id, due_at) VALUES (?, ?, ?)
     ON CONFLICT (payment_intent_id) DO UPDATE SET due_at = min(due_at, excluded.due_at)`,
    paymentIntentId,
    holdId,
    at,
  );
}

/** Schedules a payment at `at` unless it is already scheduled (its retry backoff is kept). */
export function schedulePaymentOnce(sql: SqlStorage, paymentIntentId: string, holdId: string, at: number): void {
  sql.exec("INSERT OR IGNORE INTO payments_due (payment_intent_id, hold_id, due_at) VALUES (?, ?, ?)", paymentIntentId, holdId, at);
}

export function duePayments(sql: SqlStorage, now: number, limit: number): PaymentDue[] {
  return sql
    .exec<{ payment_intent_id: string; hold_id: string; due_at: number; attempts: number }>(
      "SELECT * FROM payments_due WHERE due_at <= ? ORDER BY due_at LIMIT ?",
      now,
      limit,
    )
    .toArray()
    .map((r) => ({ paymentIntentId: r.payment_intent_id, holdId: r.hold_id, dueAt: r.due_at, attempts: r.attempts }));
}

export function allPaymentsDue(sql: SqlStorage): string[] {
  return sql.exec<{ id: string }>("SELECT payment_intent_id AS id FROM payments_due").toArray().map((r) => r.id);
}

export function nextPaymentDue(sql: SqlStorage): number | undefined {
  return sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM payments_due").one().at ?? undefined;
}

export function settledPayment(sql: SqlStorage, paymentIntentId: string): void {
  sql.exec("DELETE FROM payments_due WHERE payment_intent_id = ?", paymentIntentId);
}

export function retryPayment(sql: SqlStorage, paymentIntentId: string, at: number): void {
  sql.exec("UPDATE payments_due SET due_at = ?, attempts = attempts + 1 WHERE payment_intent_id = ?", at, paymentIntentId);
}

/** Appends a seat change to the log and returns its sequence number. */
/** The change-log entry of a venue that changed size: seat indexes before it mean nothing after it. */
export const RESIZED = "resized";

export function appendEvent(
  sql: SqlStorage,
  event: { at: number; holdId: string | null; kind: string; status: SeatStatus; seats: number[] },
): number {
  const row = sql
    .exec<{ seq: number }>(
      "INSERT INTO hold_events (at, hold_id, kind, status, seats) VALUES (?, ?, ?, ?, ?) RETURNING seq",
      event.at,
      event.holdId,
      event.kind,
      event.status,
      JSON.stringify(event.seats),
    )
    .one();
  return row.seq;
}

/** The latest time the room recorded acting at: a hold created or a seat change logged. */
export function latestTime(sql: SqlStorage): number {
  const row = sql
    .exec<{ at: number | null }>("SELECT max(t) AS at FROM (SELECT max(at) AS t FROM hold_events UNION ALL SELECT max(created_at) AS t FROM holds)")
    .one();
  return row.at ?? 0;
}

export function lastSeq(sql: SqlStorage): number {
  return sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM hold_events").one().seq ?? 0;
}

/**
 * Changes after `seq` (at most `limit` + 1 rows), or undefined when the log
 * was pruned past it or the venue changed size since (a `resized` entry):
 * either way the watcher needs a snapshot, not deltas on its old map.
 */
export function changesSince(sql: SqlStorage, seq: number, limit: number): { seq: number; status: SeatStatus; seats: number[] }[] | undefined {
  const oldest = sql.exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM hold_events").one().seq;
  const rows = sql
    .exec<{ seq: number; kind: string; status: string; seats: string }>("SELECT seq, kind, status, seats FROM hold_events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit + 1)
    .toArray();
  if (rows.length > limit || rows.some((r) => r.kind === RESIZED)) return undefined;
  if (rows.length > 0 && oldest !== null && oldest > seq + 1) return undefined;
  return rows.map((r) => ({ seq: r.seq, status: r.status as SeatStatus, seats: JSON.parse(r.seats) as number[] }));
}

/** Keeps the change log to its last `keep` entries. */
export function pruneEvents(sql: SqlStorage, keep: number): void {
  sql.exec("DELETE FROM hold_events WHERE seq <= (SELECT max(seq) FROM hold_events) - ?", keep);
}

/** Remembers which waiting-room session a fan is shopping with. */
export function noteSession(sql: SqlStorage, userId: string, sessionId: string): void {
  sql.exec("INSERT OR REPLACE INTO shopping_sessions (user_id, session_id) VALUES (?, ?)", userId, sessionId);
}

/** Ends the fan's shopping session; returns its id, if they had one. */
export function endSession(sql: SqlStorage, userId: string, at: number): string | undefined {
  const row = sql.exec<{ session_id: string }>("SELECT session_id FROM shopping_sessions WHERE user_id = ?", userId).toArray()[0];
  if (!row) return undefined;
  sql.exec("DELETE FROM shopping_sessions WHERE user_id = ?", userId);
  sql.exec("INSERT OR REPLACE INTO ended_sessions (session_id, ended_at) VALUES (?, ?)", row.session_id, at);
  return row.session_id;
}

/** Ended sessions younger than `since` (older tokens have expired anyway). */
export function endedSessions(sql: SqlStorage, since: number): string[] {
  sql.exec("DELETE FROM ended_sessions WHERE ended_at < ?", since);
  return sql.exec<{ session_id: string }>("SELECT session_id FROM ended_sessions").toArray().map((r) => r.session_id);
}
