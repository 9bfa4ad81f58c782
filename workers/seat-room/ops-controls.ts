/**
 * The mid-sale controls the room carries out (the ops API audits them):
 * pausing sales, which refuses new holds and lets every hold already made
 * go on, and extending every live hold after an incident. The pause is
 * stored in the room's SQLite like the rest of its state, so a restart keeps
 * it.
 */
import type { SalesPause } from "../../src/shared/ops";
import type { Rejection } from "../../src/shared/room-protocol";
import { isLive } from "./rules";
import type { SeatLedger } from "./seat-ledger";

export interface StoredPause {
  since: number;
  by: string;
  reason: string;
  retryAfterSeconds: number;
}

export function readPause(sql: SqlStorage): StoredPause | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'sales_pause'").toArray()[0];
  return row ? (JSON.parse(row.value) as StoredPause) : null;
}

export function writePause(sql: SqlStorage, pause: StoredPause | null): void {
  if (pause) sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('sales_pause', ?)", JSON.stringify(pause));
  else sql.exec("DELETE FROM meta WHERE key = 'sales_pause'");
}

export function pauseView(pause: StoredPause | null): SalesPause {
  return pause ? { since: new Date(pause.since).toISOString(), by: pause.by, reason: pause.reason, retryAfterSeconds: pause.retryAfterSeconds } : null;
}

/** A new hold while sales are paused: 503, with how long to wait. */
export function pausedRejection(pause: StoredPause): Rejection {
  return { kind: "rejected", status: 503, detail: "sales of this event are paused for a moment; your place and any seats you hold are kept", retryAfterSeconds: pause.retryAfterSeconds };
}

/**
 * Every live hold that a fan can still pay for (held or paying, waitlist
 * offers included) gets `minutes` more; claims being booked need none.
 * One storage transaction; returns the holds and seats extended.
 */
export function extendLiveHolds(ledger: SeatLedger, minutes: number, now: number): { holds: number; seats: number; latestExpiry: number | null } {
  const due = [...ledger.state.holds.values()].filter((h) => (h.state === "held" || h.state === "paying") && isLive(h, now));
  let latestExpiry: number | null = null;
  ledger.transact(() => {
    for (const hold of due) {
      const expiresAt = hold.expiresAt + minutes * 60_000;
      ledger.update({ ...hold, expiresAt });
      latestExpiry = Math.max(latestExpiry ?? 0, expiresAt);
    }
  });
  return { holds: due.length, seats: due.reduce((n, h) => n + h.seats.length, 0), latestExpiry };
}
