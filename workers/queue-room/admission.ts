/**
 * The waiting room's rules as plain functions over plain data.
 *
 * Order: everyone who joined before the on-sale time, in lottery order
 * (rank = HMAC(seed, user)), then everyone after, first come first served
 * (join sequence). Admission moves two watermarks: early fans with a rank
 * below `earlyWatermark`, then late fans with a sequence below
 * `lateWatermark`, are admitted. The late watermark moves past the next
 * waiting places (`AdvanceLate`, an index range of the tick's quota), so
 * places that ended while waiting take no one's turn. Each tick moves the watermarks by the tick's quota,
 * which never exceeds the batch size, the free shopping slots (maxActive
 * minus active sessions), or the seats left. Tokens handed out in a tick
 * are also capped by that quota, so admission never outruns the rate even
 * when the lottery's ranks bunch up.
 *
 * The order is counters and watermarks, so a tick is O(1) however long the
 * line. Counts are of fans, not joins: the room keeps one row per fan
 * (`fans.ts`), so a fan who joins again gets the place they have.
 *
 * `paused` stops admission (fans keep their places); `closed` stops joins
 * and admission.
 */
import type { QueueView } from "../../src/shared/room-protocol";
import type { Place, ResolvedQueueSettings } from "../../src/shared/queue";

export interface QueueState {
  eventId: string;
  settings: ResolvedQueueSettings;
  /** When the sale opens (epoch ms); fans before it join the lottery. */
  onSaleAt: number;
  seed: string;
  seedHash: string;
  opened: boolean;
  earlyCount: number;
  lateCount: number;
  earlyWatermark: number;
  lateWatermark: number;
  /**
   * Late fans still waiting at or past the late watermark. Places that ended
   * while waiting (a fan who left the line) are not counted, and the late
   * watermark skips them, so they hold no one up. (Absent in rooms of the
   * first release: then every place past the watermark.)
   */
  lateWaiting?: number;
  /** The event row's update time of the settings last applied (configure's `version`). */
  configuredVersion?: number;
  tickAt: number;
  tickQuota: number;
  tickIssued: number;
  admittedTotal: number;
}

export function isOpen(state: QueueState, now: number): boolean {
  return state.opened || now >= state.onSaleAt;
}

/** Where a waiting place stands: people ahead and the wait, or admitted (its turn has come). */
export function view(state: QueueState, place: Place, now: number, seatsLeft: number | undefined): QueueView {
  if (state.settings.closed) return { state: "closed" };
  if (!isOpen(state, now)) {
    const opensIn = Math.max(0, Math.ceil((state.onSaleAt - now) / 1000));
    return { state: "waiting", ahead: null, etaSeconds: opensIn, opensAt: state.onSaleAt };
  }
  if (admitted(state, place)) return { state: "admitted" };
  const ahead = peopleAhead(state, place);
  if (state.settings.paused) return { state: "paused", ahead };
  const perTick = Math.max(1, state.settings.batchSize);
  const etaSeconds = Math.ceil(ahead / perTick) * state.settings.tickSeconds + state.settings.tickSeconds;
  return { state: "waiting", ahead, etaSeconds, ...(seatsLeft === 0 ? { soldOut: true } : {}) };
}

export function admitted(state: QueueState, place: Place): boolean {
  return place.kind === "early" ? place.rank < state.earlyWatermark : place.seq < state.lateWatermark;
}

export function lateWaiting(state: QueueState): number {
  return state.lateWaiting ?? state.lateCount - state.lateWatermark;
}

/**
 * People ahead of a place. Between the late watermark and a late place,
 * the share of places still waiting is taken as even, so ended places
 * (ghosts) do not count; exact when none ended, O(1) always.
 */
export function peopleAhead(state: QueueState, place: Place): number {
  const earlyLeft = Math.ceil(state.earlyCount * (1 - state.earlyWatermark));
  if (place.kind === "early") return Math.max(0, Math.floor((place.rank - state.earlyWatermark) * state.earlyCount));
  const span = state.lateCount - state.lateWatermark;
  const live = span > 0 ? Math.min(1, lateWaiting(state) / span) : 1;
  return earlyLeft + Math.max(0, Math.round((place.seq - state.lateWatermark) * live));
}

/** Moves past the next `quota` waiting late places from `from`: the new watermark and how many were passed. */
export type AdvanceLate = (from: number, quota: number) => { watermark: number; passed: number };

/**
 * One admission tick: opens the sale if due and moves the watermarks by the
 * tick's quota. Returns the new state and whether fans are still waiting.
 */
export function tick(
  state: QueueState,
  now: number,
  activeSessions: number,
  seatsLeft: number,
  advanceLate: AdvanceLate,
): { state: QueueState; waiting: boolean } {
  const next = { ...state, lateWaiting: lateWaiting(state) };
  if (!isOpen(next, now)) return { state: next, waiting: true };
  next.opened = true;
  if (next.settings.paused || next.settings.closed) return { state: next, waiting: next.earlyWatermark < 1 || next.lateWaiting > 0 };
  const { batchSize, maxActive } = next.settings;
  let quota = Math.max(0, Math.min(batchSize, maxActive - activeSessions, seatsLeft - activeSessions));
  next.tickAt = now;
  next.tickQuota = quota;
  next.tickIssued = 0;
  if (next.earlyWatermark < 1 && next.earlyCount > 0 && quota > 0) {
    const earlyLeft = Math.ceil(next.earlyCount * (1 - next.earlyWatermark));
    const take = Math.min(quota, earlyLeft);
    next.earlyWatermark = take >= earlyLeft ? 1 : Math.min(1, next.earlyWatermark + take / next.earlyCount);
    quota -= take;
  }
  if (next.earlyCount === 0) next.earlyWatermark = 1;
  if (next.earlyWatermark >= 1 && quota > 0 && next.lateWatermark < next.lateCount) {
    const moved = advanceLate(next.lateWatermark, quota);
    next.lateWatermark = moved.watermark;
    next.lateWaiting = Math.max(0, next.lateWaiting - moved.passed);
  }
  const waiting = next.earlyWatermark < 1 || next.lateWaiting > 0;
  return { state: next, waiting };
}

/** Whether this tick may still hand out an admission token. */
export function canIssue(state: QueueState, activeSessions: number): boolean {
  return state.tickIssued < state.tickQuota && activeSessions < state.settings.maxActive;
}
