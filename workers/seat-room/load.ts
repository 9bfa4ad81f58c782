/**
 * A SeatRoom waking up: its memory rebuilt from its SQLite, or, the first
 * time, its SQLite filled from Postgres (the event's catalog and the seats
 * already sold), so a new, restarted or evicted room never offers a sold seat.
 */
import { log } from "../../src/shared/log";
import { fetchCatalog, fetchSold } from "./catalog-source";
import { addBlock, liveBlocks } from "./blocks";
import { writeBookedCodeHolds } from "./code-uses";
import { LiveSeatMap } from "./live-map";
import { addHold, emptyState, type Catalog, type RoomState } from "./rules";
import * as store from "./storage";

/** Admission tokens last at most 2 hours (sessionMinutes ≤ 120): ended sessions are kept longer. */
export const SESSIONS_KEPT_MS = 3 * 3600_000;

export async function loadRoom(
  storage: DurableObjectStorage,
  env: Env,
  eventId: string,
): Promise<{ state: RoomState; live: LiveSeatMap } | undefined> {
  const sql = storage.sql;
  let catalog: Catalog | undefined = store.readCatalog(sql);
  if (!catalog) {
    const [fetched, { sold, codeHolds }] = await Promise.all([fetchCatalog(env, eventId), fetchSold(env, eventId)]);
    if (!fetched) return undefined;
    catalog = fetched;
    // Only one load runs at a time (callers share its promise); nothing wrote meanwhile.
    storage.transactionSync(() => {
      store.migrate(sql);
      store.writeCatalog(sql, fetched);
      store.writeSold(sql, sold);
      writeBookedCodeHolds(sql, codeHolds, fetched.currency);
    });
    log("info", "room_loaded_from_postgres", { eventId, tickets: fetched.ticketCount, sold: sold.length });
  }
  const state = emptyState(catalog);
  for (const s of store.readSold(sql)) {
    state.sold.set(s.seat, { bookingId: s.bookingId, userId: s.userId });
    state.soldByUser.set(s.userId, (state.soldByUser.get(s.userId) ?? 0) + 1);
  }
  for (const hold of store.activeHolds(sql, catalog.eventId)) addHold(state, hold);
  for (const session of store.endedSessions(sql, Date.now() - SESSIONS_KEPT_MS)) state.endedSessions.add(session);
  for (const block of liveBlocks(sql)) addBlock(state, block);
  const live = new LiveSeatMap(
    catalog.eventId,
    catalog.ticketCount,
    { held: state.seatHold.keys(), blocked: state.seatBlock.keys(), sold: state.sold.keys() },
    store.lastSeq(sql),
    (after, limit) => store.changesSince(sql, after, limit),
  );
  return { state, live };
}
