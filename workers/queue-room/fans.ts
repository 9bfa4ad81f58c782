/**
 * The waiting room's SQLite: one state row (`meta`) and one row per fan
 * (`fans`), so that a fan has one place however many times, tabs or devices
 * they join from, and an ended session stays ended.
 *
 * A fan's row holds their place (a lottery rank or a join sequence, as in
 * their signed queue ticket), their state (`waiting`, `admitted` with the
 * shopping session and its expiry, or `ended` with the reason) and when they
 * joined. Every lookup is by primary key; counting the shoppers reads the
 * `fans_admitted` index, bounded by `maxActive`; moving the late watermark
 * reads the next waiting late places from `fans_late_waiting` (a partial
 * index: places that ended drop out of it), the tick's quota of rows. A million fans are a few
 * tens of MB, far inside what one Durable Object stores.
 *
 * Tables are created only once the room knows its event has a waiting room
 * (`create`), so a request for an id that is not such an event writes
 * nothing.
 */
import type { Place } from "../../src/shared/queue";
import { hasTable } from "../../src/shared/room-sql";
import type { QueueEndReason } from "../../src/shared/room-protocol";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fans (
  user_id TEXT PRIMARY KEY, place TEXT NOT NULL, state TEXT NOT NULL, late_seq INTEGER,
  session_id TEXT, expires_at INTEGER, ended_reason TEXT, joined_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fans_admitted ON fans (state, expires_at);
CREATE INDEX IF NOT EXISTS fans_late_waiting ON fans (late_seq) WHERE state = 'waiting';`;

export type FanState = "waiting" | "admitted" | "ended";

export interface Fan {
  userId: string;
  /** Null only for a shopper carried over from the first release, until they show their ticket. */
  place: Place | null;
  state: FanState;
  session?: { sessionId: string; expiresAt: number };
  endedReason?: QueueEndReason;
  /** When the fan took this place (epoch ms). */
  joinedAt: number;
}

interface FanRow extends Record<string, SqlStorageValue> {
  user_id: string;
  place: string;
  state: string;
  session_id: string | null;
  expires_at: number | null;
  ended_reason: string | null;
  joined_at: number;
}

export function hasTables(sql: SqlStorage): boolean {
  return hasTable(sql, "meta");
}

/**
 * Creates the tables. A room of the first release (a `sessions` table, no
 * fans) is brought forward: its shoppers keep their sessions, and its
 * watermarks are kept, so that a ticket it signed is adopted only if its
 * place had not been admitted yet (the first release forgot fans who were
 * done).
 */
export function create(sql: SqlStorage): void {
  const legacy = hasTable(sql, "sessions");
  sql.exec(SCHEMA);
  if (legacy) {
    sql.exec(
      `INSERT OR IGNORE INTO fans (user_id, place, state, session_id, expires_at, joined_at)
       SELECT user_id, 'null', 'admitted', session_id, expires_at, 0 FROM sessions`,
    );
    const state = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'state'").toArray()[0];
    const { earlyWatermark = 1, lateWatermark = Number.MAX_SAFE_INTEGER } = state ? (JSON.parse(state.value) as LegacyWatermarks) : {};
    sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('legacy_watermarks', ?)", JSON.stringify({ earlyWatermark, lateWatermark }));
    sql.exec("DROP TABLE sessions");
  }
}

interface LegacyWatermarks {
  earlyWatermark?: number;
  lateWatermark?: number;
}

/** Whether a ticket signed by the first release, for a fan with no row, is still waiting (else it is done). */
export function waitingSinceFirstRelease(sql: SqlStorage, place: Place): boolean {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'legacy_watermarks'").toArray()[0];
  if (!row) return false;
  const marks = JSON.parse(row.value) as Required<LegacyWatermarks>;
  return place.kind === "early" ? place.rank >= marks.earlyWatermark : place.seq >= marks.lateWatermark;
}

/** A nominal place for a shopper of the first release who joins again: they are admitted already. */
export const FIRST_RELEASE_PLACE: Place = { kind: "late", seq: 0 };

export function find(sql: SqlStorage, userId: string): Fan | undefined {
  const row = sql.exec<FanRow>("SELECT user_id, place, state, session_id, expires_at, ended_reason, joined_at FROM fans WHERE user_id = ?", userId).toArray()[0];
  if (!row) return undefined;
  return {
    userId: row.user_id,
    place: JSON.parse(row.place) as Place | null,
    state: row.state as FanState,
    joinedAt: row.joined_at,
    ...(row.session_id !== null && row.expires_at !== null ? { session: { sessionId: row.session_id, expiresAt: row.expires_at } } : {}),
    ...(row.ended_reason !== null ? { endedReason: row.ended_reason as QueueEndReason } : {}),
  };
}

/** The fan waits at `place` (a first join, a rejoin at the back, or a ticket of the first release adopted). */
export function wait(sql: SqlStorage, userId: string, place: Place, now: number): void {
  sql.exec(
    `INSERT INTO fans (user_id, place, state, late_seq, joined_at) VALUES (?, ?, 'waiting', ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET place = excluded.place, state = 'waiting', late_seq = excluded.late_seq,
       session_id = NULL, expires_at = NULL, ended_reason = NULL, joined_at = excluded.joined_at`,
    userId,
    JSON.stringify(place),
    place.kind === "late" ? place.seq : null,
    now,
  );
}

/** The late watermark past the next `quota` waiting late places from `from` (up to `lateCount`), and how many it passed. */
export function advanceLate(sql: SqlStorage, from: number, lateCount: number, quota: number): { watermark: number; passed: number } {
  const next = sql
    .exec<{ late_seq: number }>("SELECT late_seq FROM fans WHERE state = 'waiting' AND late_seq >= ? ORDER BY late_seq LIMIT ?", from, quota)
    .toArray();
  const last = next.at(-1);
  return next.length < quota || !last ? { watermark: lateCount, passed: next.length } : { watermark: last.late_seq + 1, passed: quota };
}

export function adoptPlace(sql: SqlStorage, userId: string, place: Place): void {
  sql.exec("UPDATE fans SET place = ?, late_seq = ? WHERE user_id = ?", JSON.stringify(place), place.kind === "late" ? place.seq : null, userId);
}

export function admit(sql: SqlStorage, userId: string, session: { sessionId: string; expiresAt: number }): void {
  sql.exec("UPDATE fans SET state = 'admitted', session_id = ?, expires_at = ? WHERE user_id = ?", session.sessionId, session.expiresAt, userId);
}

/** Ends a fan's place (their session, if admitted, frees its slot). Returns whether it was live. */
export function end(sql: SqlStorage, userId: string, reason: QueueEndReason): boolean {
  return sql.exec("UPDATE fans SET state = 'ended', ended_reason = ? WHERE user_id = ? AND state != 'ended'", reason, userId).rowsWritten > 0;
}

/** The fan, with a shopping session past its time ended as `lapsed` (the alarm ends the rest each tick). */
export function current(sql: SqlStorage, userId: string, now: number): Fan | undefined {
  const fan = find(sql, userId);
  if (fan?.state !== "admitted" || !fan.session || fan.session.expiresAt > now) return fan;
  end(sql, userId, "lapsed");
  return { ...fan, state: "ended", endedReason: "lapsed" };
}

/** Shopping sessions past their time end as `lapsed`. */
export function lapse(sql: SqlStorage, now: number): void {
  sql.exec("UPDATE fans SET state = 'ended', ended_reason = 'lapsed' WHERE state = 'admitted' AND expires_at <= ?", now);
}

export function shopping(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM fans WHERE state = 'admitted'").one().n;
}

export function samePlace(a: Place, b: Place): boolean {
  return a.kind === "early" ? b.kind === "early" && a.rank === b.rank : b.kind === "late" && a.seq === b.seq;
}
