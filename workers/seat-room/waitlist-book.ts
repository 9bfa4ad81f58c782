/**
 * The waitlist's storage in the SeatRoom's SQLite, and the little of it kept
 * in memory: how many fans wait (so a room without a waitlist pays nothing
 * when seats come back) and which live holds are offers (so a hold that
 * ends can say so to its entry without a query).
 *
 * - `waitlist`: one row per fan (their latest entry): quantity, section and
 *   its seat range, state, the offered hold. The join order is `seq`.
 * - `waitlist_notices`: offers whose mail is not yet in the Postgres outbox;
 *   the alarm writes it and deletes the row (due work, like `payments_due`).
 *
 * Writes are called inside the step's storage transaction; the memory is
 * changed with them, as `SeatLedger.endHold` does.
 */
import type { SectionRange, WaitlistState } from "../../src/shared/room-protocol";
import type { Hold } from "./rules";
import type { WaitlistEntry } from "./waitlist";

export const DEFAULT_OFFER_SECONDS = 900;

interface EntryRow extends Record<string, SqlStorageValue> {
  user_id: string;
  seq: number;
  quantity: number;
  section: string | null;
  section_first: number | null;
  section_count: number | null;
  state: string;
  hold_id: string | null;
  seats: string | null;
  offered_at: number | null;
  expires_at: number | null;
  joined_at: number;
}

function toEntry(row: EntryRow): WaitlistEntry {
  const section: SectionRange | null = row.section !== null ? { name: row.section, first: row.section_first ?? 0, count: row.section_count ?? 0 } : null;
  return {
    userId: row.user_id,
    seq: row.seq,
    quantity: row.quantity,
    section,
    state: row.state as WaitlistState,
    holdId: row.hold_id,
    seats: row.seats ? (JSON.parse(row.seats) as number[]) : null,
    offeredAt: row.offered_at,
    expiresAt: row.expires_at,
    joinedAt: row.joined_at,
  };
}

export interface Notice {
  holdId: string;
  userId: string;
  attempts: number;
}

export class WaitlistBook {
  /** How long an offer waits for its fan (WAITLIST_OFFER_SECONDS). */
  offerMs = DEFAULT_OFFER_SECONDS * 1000;
  /** An offer was made: its mail is due, and the alarm should run now to write it. */
  noticesDue = false;
  private loaded = false;
  private waitingCount = 0;
  /** Live offers: hold id → fan. */
  private readonly offers = new Map<string, string>();

  constructor(private readonly sql: SqlStorage) {}

  /** Whether any fan waits (cheap: asked every time seats come back). */
  get hasWaiting(): boolean {
    this.load();
    return this.waitingCount > 0;
  }

  entry(userId: string): WaitlistEntry | undefined {
    const row = this.sql.exec<EntryRow>("SELECT * FROM waitlist WHERE user_id = ?", userId).toArray()[0];
    return row ? toEntry(row) : undefined;
  }

  /** Waiting entries in join order, read as they are consumed (an offer pass usually stops early). */
  *waitingInOrder(): Generator<WaitlistEntry> {
    for (const row of this.sql.exec<EntryRow>("SELECT * FROM waitlist WHERE state = 'waiting' ORDER BY seq")) yield toEntry(row);
  }

  /** A waiting entry's place: 1 is next. */
  position(entry: WaitlistEntry): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM waitlist WHERE state = 'waiting' AND seq < ?", entry.seq).one().n + 1;
  }

  /** The seq a new entry gets (rows are replaced, never deleted, so the largest only grows). */
  nextSeq(): number {
    return (this.sql.exec<{ seq: number | null }>("SELECT max(seq) AS seq FROM waitlist").one().seq ?? 0) + 1;
  }

  // ---- Writes (inside the step's transaction) ----

  /** A new entry, replacing the fan's ended one. */
  join(entry: WaitlistEntry): void {
    this.load();
    this.sql.exec(
      `INSERT OR REPLACE INTO waitlist (user_id, seq, quantity, section, section_first, section_count, state, joined_at)
       VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?)`,
      entry.userId,
      entry.seq,
      entry.quantity,
      entry.section?.name ?? null,
      entry.section?.first ?? null,
      entry.section?.count ?? null,
      entry.joinedAt,
    );
    this.waitingCount++;
  }

  /** A waiting fan is offered `hold`; its mail is due now. */
  offered(hold: Hold, now: number): void {
    this.load();
    this.sql.exec(
      "UPDATE waitlist SET state = 'offered', hold_id = ?, seats = ?, offered_at = ?, expires_at = ? WHERE user_id = ? AND state = 'waiting'",
      hold.id,
      JSON.stringify(hold.seats),
      now,
      hold.expiresAt,
      hold.userId,
    );
    this.sql.exec("INSERT OR IGNORE INTO waitlist_notices (hold_id, user_id, due_at) VALUES (?, ?, ?)", hold.id, hold.userId, now);
    this.waitingCount--;
    this.offers.set(hold.id, hold.userId);
    this.noticesDue = true;
  }

  /** A hold ended (lapsed, released, voided): if it was an open offer, its entry has expired. */
  holdEnded(holdId: string, now: number): void {
    this.load();
    if (!this.offers.has(holdId)) return;
    this.sql.exec("UPDATE waitlist SET state = 'expired', ended_at = ? WHERE hold_id = ? AND state = 'offered'", now, holdId);
    this.offers.delete(holdId);
  }

  /** A hold was booked: if it was an offer (open, or lapsed and paid late), its fan booked. */
  holdBooked(holdId: string, now: number): void {
    this.load();
    this.sql.exec("UPDATE waitlist SET state = 'booked', ended_at = ? WHERE hold_id = ? AND state IN ('offered', 'expired')", now, holdId);
    this.offers.delete(holdId);
  }

  /** The fan leaves: a waiting or offered entry ends as left (an offer's hold is the caller's to release). */
  leave(entry: WaitlistEntry, now: number): void {
    this.load();
    this.sql.exec("UPDATE waitlist SET state = 'left', ended_at = ? WHERE user_id = ? AND state IN ('waiting', 'offered')", now, entry.userId);
    if (entry.state === "waiting") this.waitingCount--;
    if (entry.holdId) this.offers.delete(entry.holdId);
  }

  // ---- The offers' mail (the alarm's due work) ----

  dueNotices(now: number, limit: number): Notice[] {
    return this.sql
      .exec<{ hold_id: string; user_id: string; attempts: number }>("SELECT * FROM waitlist_notices WHERE due_at <= ? ORDER BY due_at LIMIT ?", now, limit)
      .toArray()
      .map((r) => ({ holdId: r.hold_id, userId: r.user_id, attempts: r.attempts }));
  }

  nextNoticeDue(): number | undefined {
    return this.sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM waitlist_notices").one().at ?? undefined;
  }

  noticeDone(holdId: string): void {
    this.sql.exec("DELETE FROM waitlist_notices WHERE hold_id = ?", holdId);
  }

  retryNotice(holdId: string, at: number): void {
    this.sql.exec("UPDATE waitlist_notices SET due_at = ?, attempts = attempts + 1 WHERE hold_id = ?", at, holdId);
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.waitingCount = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM waitlist WHERE state = 'waiting'").one().n;
    for (const row of this.sql.exec<{ hold_id: string; user_id: string }>("SELECT hold_id, user_id FROM waitlist WHERE state = 'offered' AND hold_id IS NOT NULL")) {
      this.offers.set(row.hold_id, row.user_id);
    }
  }
}
