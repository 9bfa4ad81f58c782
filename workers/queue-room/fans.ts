/**
 * The waiting room's SQLite: one state row (`meta`) and one row per fan
 * (`fans`), so that a fan has one place however many times, tabs or devices
 * they join from, and an ended session stays ended.
 *
 * A fan's row holds their place (a lottery rank or a join sequence, as in
 * their signed queue ticket), their state (`waiting`, `admitted` with the
 * shopping session and its expiry, or `ended` with the reason) and when they
 * joined. Every lookup is by primary key; counting the shoppers reads the
 * `fans_admitted` index, bounded by `maxActive`. A million fans are a few
 * tens of MB, far inside what one Durable Object stores.
 *
 * Tables are created only once the room knows its event has a waiting room
 * (`create`), so a request for an id that is not such an event writes
 * nothing.
 */
import type { Place } from "../../src/shared/queue";
import type { QueueEndReason } from "../../src/shared/room-protocol";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fans (
  user_id TEXT PRIMARY KEY, place TEXT NOT NULL, state TEXT NOT NULL,
  session_id TEXT, expires_at INTEGER, ended_reason TEXT, joined_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS fans_admitted ON fans (state, expires_at);
DROP TABLE IF EXISTS sessions;`;

export type FanState = "waiting" | "admitted" | "ended";

export interface Fan {
  userId: string;
  /** Null only for a shopper carried over from the first release, until they show their ticket. */
  place: Place | null;
  state: FanState;
  session?: { sessionId: string; expiresAt: number };
  endedReason?: QueueEndReason;
}

interface FanRow extends Record<string, SqlStorageValue> {
  user_id: string;
  place: string;
  state: string;
  session_id: string | null;
  expires_at: number | null;
  ended_reason: string | null;
}

export function hasTables(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
}

/** Creates the tables, and brings a room of the first release (a `sessions` table, no fans) forward. */
export function create(sql: SqlStorage): void {
  const legacy = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sessions'").toArray().length > 0;
  if (legacy) {
    sql.exec(SCHEMA.replace("DROP TABLE IF EXISTS sessions;", ""));
    // Shoppers of the first release keep their sessions; their places are adopted when they next show their ticket.
    sql.exec(
      `INSERT OR IGNORE INTO fans (user_id, place, state, session_id, expires_at, joined_at)
       SELECT user_id, 'null', 'admitted', session_id, expires_at, 0 FROM sessions`,
    );
  }
  sql.exec(SCHEMA);
}

export function find(sql: SqlStorage, userId: string): Fan | undefined {
  const row = sql.exec<FanRow>("SELECT user_id, place, state, session_id, expires_at, ended_reason FROM fans WHERE user_id = ?", userId).toArray()[0];
  if (!row) return undefined;
  return {
    userId: row.user_id,
    place: JSON.parse(row.place) as Place | null,
    state: row.state as FanState,
    ...(row.session_id !== null && row.expires_at !== null ? { session: { sessionId: row.session_id, expiresAt: row.expires_at } } : {}),
    ...(row.ended_reason !== null ? { endedReason: row.ended_reason as QueueEndReason } : {}),
  };
}

/** The fan waits at `place` (a first join, a rejoin at the back, or a ticket of the first release adopted). */
export function wait(sql: SqlStorage, userId: string, place: Place, now: number): void {
  sql.exec(
    `INSERT INTO fans (user_id, place, state, joined_at) VALUES (?, ?, 'waiting', ?)
     ON CONFLICT (user_id) DO UPDATE SET place = excluded.place, state = 'waiting', session_id = NULL, expires_at = NULL, ended_reason = NULL, joined_at = excluded.joined_at`,
    userId,
    JSON.stringify(place),
    now,
  );
}

export function adoptPlace(sql: SqlStorage, userId: string, place: Place): void {
  sql.exec("UPDATE fans SET place = ? WHERE user_id = ?", JSON.stringify(place), userId);
}

export function admit(sql: SqlStorage, userId: string, session: { sessionId: string; expiresAt: number }): void {
  sql.exec("UPDATE fans SET state = 'admitted', session_id = ?, expires_at = ? WHERE user_id = ?", session.sessionId, session.expiresAt, userId);
}

/** Ends a fan's place (their session, if admitted, frees its slot). Returns whether it was live. */
export function end(sql: SqlStorage, userId: string, reason: QueueEndReason): boolean {
  return sql.exec("UPDATE fans SET state = 'ended', ended_reason = ? WHERE user_id = ? AND state != 'ended'", reason, userId).rowsWritten > 0;
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
