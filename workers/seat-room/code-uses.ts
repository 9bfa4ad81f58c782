/**
 * The uses of an event's codes, counted from the room's own holds (its
 * SQLite): a live hold with a code reserves a use, a booked one spends it,
 * one that ended gives it back. Holds are written by storage.ts, except
 * that a room rebuilt from Postgres puts back here the booked holds that
 * used a code, so their uses stay spent.
 */

/** The room's SQLite, version 6: holds keep each ticket's price, split, and the code they were made with (its uses are counted by code_id). */
export const CODE_USES_SCHEMA = `
ALTER TABLE holds ADD COLUMN charges TEXT;
ALTER TABLE holds ADD COLUMN code TEXT;
ALTER TABLE holds ADD COLUMN code_id TEXT;
CREATE INDEX IF NOT EXISTS holds_code ON holds (code_id, state) WHERE code_id IS NOT NULL;`;

/** Every code's uses: reserved (live holds) and spent (booked). */
export function codeUsage(sql: SqlStorage, now: number): Record<string, { reserved: number; spent: number }> {
  const out: Record<string, { reserved: number; spent: number }> = {};
  const rows = sql.exec<{ code_id: string; reserved: number; spent: number }>(
    `SELECT code_id,
            sum(state = 'booking' OR (state IN ('held', 'paying') AND expires_at > ?)) AS reserved,
            sum(state = 'booked') AS spent
     FROM holds WHERE code_id IS NOT NULL GROUP BY code_id`,
    now,
  );
  for (const row of rows) out[row.code_id] = { reserved: row.reserved, spent: row.spent };
  return out;
}

/**
 * How many times a code is used: by booked holds (spent) and by live ones
 * (reserved: held or paying before their expiry, or being booked), leaving
 * out the fan's own held holds (a new hold replaces them) when `userId` is
 * given.
 */
export function codeUses(sql: SqlStorage, codeId: string, now: number, userId: string | null): number {
  const row = sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM holds WHERE code_id = ?
         AND (state IN ('booked', 'booking') OR (state IN ('held', 'paying') AND expires_at > ?))
         AND NOT (user_id = ? AND state = 'held')`,
      codeId,
      now,
      userId ?? "",
    )
    .toArray()[0];
  return row?.n ?? 0;
}

/** A booked hold that used a code, as Postgres remembers it (its booking). */
export interface BookedCodeHold {
  holdId: string;
  userId: string;
  bookingId: string;
  codeId: string;
  seats: number[];
}

/**
 * A room rebuilt from Postgres puts back the booked holds that used a code,
 * with no price or payment (what the room needs of them is that they spent a
 * use): without them, a lost storage would give those uses out again.
 */
export function writeBookedCodeHolds(sql: SqlStorage, holds: BookedCodeHold[], currency: string): void {
  for (const h of holds) {
    sql.exec(
      `INSERT OR IGNORE INTO holds (id, user_id, state, seats, expires_at, created_at, total_cents, currency, booking_id, grace_used, code_id)
       VALUES (?, ?, 'booked', ?, 0, 0, 0, ?, ?, 0, ?)`,
      h.holdId,
      h.userId,
      JSON.stringify(h.seats.sort((a, b) => a - b)),
      currency,
      h.bookingId,
      h.codeId,
    );
  }
}
