/**
 * The door: admissions and voided codes of one event, kept by its SeatRoom,
 * so two gates scanning one ticket at the same moment admit it once (the
 * room serializes them) and a transfer racing a scan is decided in one place.
 *
 * Rules:
 * - A ticket is admitted at most once. Its code must be of the booking that
 *   holds the seat now (a refunded booking's codes are void, and so are they
 *   once the seat is sold again) and of its current code version (a transfer
 *   raises the version; older codes are void).
 * - A transfer (`reissue`) of an admitted ticket is refused; once reissued,
 *   no older code admits, whatever the order of the two requests.
 * - A scan a door device admitted offline is recorded when uploaded: the
 *   first admission of a ticket stands; a second one (another gate, another
 *   time) is a conflict, kept and reported, never merged into the first.
 *
 * Storage (the room's SQLite, schema version 4): `door_admissions` (one row
 * per admitted ticket: a seat and the booking it was sold in), `door_codes` (the lowest valid code version of a
 * seat's booking, after transfers) and `door_conflicts`. None of it is kept
 * in memory: each step is one or two indexed reads.
 */
import type { DoorAdmission, DoorOutcome, DoorScan, ReissueOutcome } from "../../src/shared/room-protocol";
import type { RoomState } from "./rules";

export const DOOR_SCHEMA = `
CREATE TABLE IF NOT EXISTS door_admissions (
  seat_index INTEGER NOT NULL, booking_id TEXT NOT NULL, code_version INTEGER NOT NULL,
  at INTEGER NOT NULL, gate TEXT NOT NULL, by TEXT NOT NULL, device TEXT, offline INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (seat_index, booking_id)
);
CREATE TABLE IF NOT EXISTS door_codes (seat_index INTEGER PRIMARY KEY, booking_id TEXT NOT NULL, min_version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS door_conflicts (
  seat_index INTEGER NOT NULL, at INTEGER NOT NULL, gate TEXT NOT NULL, device TEXT NOT NULL, by TEXT NOT NULL,
  first_at INTEGER NOT NULL, first_gate TEXT NOT NULL, reported_at INTEGER NOT NULL,
  PRIMARY KEY (seat_index, device, at)
);`;

interface AdmissionRow extends Record<string, SqlStorageValue> {
  seat_index: number;
  booking_id: string;
  code_version: number;
  at: number;
  gate: string;
  by: string;
  device: string | null;
  offline: number;
}

/** A ticket's admission: a seat admitted, then refunded and sold again, is a new ticket (its own booking). */
function admissionOf(sql: SqlStorage, seat: number, bookingId: string): AdmissionRow | undefined {
  return sql.exec<AdmissionRow>("SELECT * FROM door_admissions WHERE seat_index = ? AND booking_id = ?", seat, bookingId).toArray()[0];
}

function minVersion(sql: SqlStorage, seat: number, bookingId: string): number {
  const row = sql.exec<{ booking_id: string; min_version: number }>("SELECT booking_id, min_version FROM door_codes WHERE seat_index = ?", seat).toArray()[0];
  return row && row.booking_id === bookingId ? row.min_version : 1;
}

/** Conflicts kept per ticket; later ones are still answered as conflicts, not stored. */
export const MAX_CONFLICTS_PER_TICKET = 10;

const admitted = (row: AdmissionRow): DoorAdmission => ({ at: row.at, gate: row.gate });

/** Whether a code of this booking and version may open the door for the seat now. */
function voidReason(state: RoomState, sql: SqlStorage, scan: Pick<DoorScan, "seat" | "bookingId" | "version">): string | undefined {
  if (scan.seat < 0 || scan.seat >= state.catalog.ticketCount) return "no such ticket";
  const sold = state.sold.get(scan.seat);
  if (!sold || sold.bookingId !== scan.bookingId) return "this ticket was refunded or cancelled";
  if (scan.version < minVersion(sql, scan.seat, scan.bookingId)) return "this ticket was transferred: the code is no longer valid";
  return undefined;
}

/**
 * A scan at a gate. Online (`offline` false): admitted now, or refused.
 * Uploaded from a device that admitted it offline: recorded at the scan's
 * time, or a duplicate of what that device already uploaded, or a conflict.
 */
export function admit(state: RoomState, sql: SqlStorage, scan: DoorScan, now: number): DoorOutcome {
  const reason = voidReason(state, sql, scan);
  const first = admissionOf(sql, scan.seat, scan.bookingId);
  if (scan.offline) {
    if (first && first.device === scan.device && first.at === scan.at) return { kind: "duplicate", ...admitted(first) };
    if (first) {
      // A few reports of a ticket say all staff need; more would let one upload (500 scans, any device id) grow every door kit.
      const reported = sql.exec<{ n: number }>("SELECT count(*) AS n FROM door_conflicts WHERE seat_index = ?", scan.seat).one().n;
      if (reported >= MAX_CONFLICTS_PER_TICKET) return { kind: "conflict", ...admitted(first) };
      sql.exec(
        "INSERT OR IGNORE INTO door_conflicts (seat_index, at, gate, device, by, first_at, first_gate, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        scan.seat, scan.at, scan.gate, scan.device, scan.by, first.at, first.gate, now,
      );
      return { kind: "conflict", ...admitted(first) };
    }
    // The device let in a void ticket: reported to it, not recorded as an admission.
    if (reason) return { kind: "void", detail: reason };
  } else {
    if (reason) return { kind: "void", detail: reason };
    if (first) return { kind: "already admitted", ...admitted(first) };
  }
  const at = scan.offline ? Math.min(scan.at, now) : now;
  sql.exec(
    "INSERT INTO door_admissions (seat_index, booking_id, code_version, at, gate, by, device, offline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    scan.seat, scan.bookingId, scan.version, at, scan.gate, scan.by, scan.device, scan.offline ? 1 : 0,
  );
  return { kind: "admitted", at, gate: scan.gate };
}

/**
 * A transfer: codes of the booking's seats below each `toVersion` stop
 * opening the door, all seats or none. Refused if a ticket was admitted, or
 * is not this booking's. Idempotent (a retried transfer gets the same answer).
 */
export function reissue(state: RoomState, sql: SqlStorage, request: { bookingId: string; seats: { seat: number; toVersion: number }[] }): ReissueOutcome {
  for (const { seat } of request.seats) {
    if (state.sold.get(seat)?.bookingId !== request.bookingId) return { kind: "void", seat };
    const first = admissionOf(sql, seat, request.bookingId);
    if (first) return { kind: "already admitted", seat, ...admitted(first) };
  }
  for (const { seat, toVersion } of request.seats) {
    if (minVersion(sql, seat, request.bookingId) < toVersion) {
      sql.exec("INSERT OR REPLACE INTO door_codes (seat_index, booking_id, min_version) VALUES (?, ?, ?)", seat, request.bookingId, toVersion);
    }
  }
  return { kind: "reissued" };
}

/** A transfer that could not be recorded in Postgres: its seats' codes come back, unless a newer version was issued since. */
export function restoreCodes(state: RoomState, sql: SqlStorage, request: { bookingId: string; seats: { seat: number; toVersion: number; fromVersion: number }[] }): void {
  for (const { seat, toVersion, fromVersion } of request.seats) {
    if (minVersion(sql, seat, request.bookingId) !== toVersion) continue;
    if (state.sold.get(seat)?.bookingId !== request.bookingId || admissionOf(sql, seat, request.bookingId)) continue;
    sql.exec("UPDATE door_codes SET min_version = ? WHERE seat_index = ?", fromVersion, seat);
  }
}

/** Admitted / total and conflicts, for the door page. */
export function doorStats(state: RoomState, sql: SqlStorage): { admitted: number; total: number; conflicts: number } {
  const admittedCount = sql.exec<{ n: number }>("SELECT count(*) AS n FROM door_admissions").one().n;
  const conflicts = sql.exec<{ n: number }>("SELECT count(*) AS n FROM door_conflicts").one().n;
  return { admitted: admittedCount, total: state.sold.size, conflicts };
}

/** Where a door device's copy of the record ends: the last admission and conflict it has (their rowids: they only grow, nothing is deleted). */
export interface DoorCursor {
  admissions: number;
  conflicts: number;
}

/**
 * The admissions and conflicts recorded after `since` (everything without
 * it), for a door device to keep admitting offline, and the cursor to ask
 * from next time: a stadium's devices refresh with what changed, not with
 * every admission again. Recording order, not scan time, so an offline
 * upload of an early scan is never missed.
 */
export function doorRecord(sql: SqlStorage, since: DoorCursor = { admissions: 0, conflicts: 0 }): {
  admitted: { seat: number; bookingId: string; at: number; gate: string }[];
  conflicts: { seat: number; at: number; gate: string; device: string; firstAt: number; firstGate: string }[];
  cursor: DoorCursor;
} {
  const admissions = sql.exec<AdmissionRow & { n: number }>("SELECT rowid AS n, * FROM door_admissions WHERE rowid > ? ORDER BY rowid", since.admissions).toArray();
  const conflicts = sql
    .exec<{ n: number; seat_index: number; at: number; gate: string; device: string; first_at: number; first_gate: string }>(
      "SELECT rowid AS n, * FROM door_conflicts WHERE rowid > ? ORDER BY rowid",
      since.conflicts,
    )
    .toArray();
  return {
    admitted: admissions.map((r) => ({ seat: r.seat_index, bookingId: r.booking_id, at: r.at, gate: r.gate })),
    conflicts: conflicts.map((r) => ({ seat: r.seat_index, at: r.at, gate: r.gate, device: r.device, firstAt: r.first_at, firstGate: r.first_gate })),
    cursor: { admissions: admissions.at(-1)?.n ?? since.admissions, conflicts: conflicts.at(-1)?.n ?? since.conflicts },
  };
}

/** The admissions of some seats (a fan's tickets, a ticket's history). */
export function admissionsOf(sql: SqlStorage, seats: number[]): (DoorAdmission & { seat: number; bookingId: string; offline: boolean; by: string })[] {
  return seats.flatMap((seat) =>
    sql
      .exec<AdmissionRow>("SELECT * FROM door_admissions WHERE seat_index = ? ORDER BY at", seat)
      .toArray()
      .map((row) => ({ seat, at: row.at, gate: row.gate, bookingId: row.booking_id, offline: row.offline === 1, by: row.by })),
  );
}
