/**
 * The waiting room's live operating figures (src/shared/ops.ts `QueueOps`):
 * joins and admissions by minute for the last hour, and the last waits from
 * joining (or from the opening, for the lottery's early fans) to admission.
 * Memory only, like the SeatRoom's; the line itself is in the room's SQLite.
 */
import type { QueueMinute, QueueOps } from "../../src/shared/ops";
import type { ResolvedQueueSettings } from "../../src/shared/queue";
import { MinuteCounters, Samples } from "../../src/shared/rolling";
import { isOpen, lateWaiting, type QueueState } from "./admission";

export class QueueFigures {
  private readonly minutes = new MinuteCounters<QueueMinute>((at) => ({ at, joined: 0, admitted: 0, waiting: 0 }));
  private readonly waits = new Samples();

  joined(now: number, waiting: number): void {
    const minute = this.minutes.current(now);
    minute.joined += 1;
    minute.waiting = waiting;
  }

  admitted(now: number, waitedMs: number, waiting: number): void {
    const minute = this.minutes.current(now);
    minute.admitted += 1;
    minute.waiting = waiting;
    this.waits.add(Math.max(0, waitedMs));
  }

  /** The line at a tick (the minute's `waiting` is the last figure seen in it). */
  ticked(now: number, waiting: number): void {
    this.minutes.current(now).waiting = waiting;
  }

  view(state: QueueState, now: number, sessionsActive: number): QueueOps {
    const { early, late } = waitingNow(state, now);
    // The line's length now is this minute's figure; minutes with no event carry the one before.
    this.minutes.current(now).waiting = early + late;
    const earlyPassed = state.earlyCount - early;
    const median = this.waits.percentile(0.5);
    return {
      enabled: state.settings.enabled,
      settings: settingsView(state.settings),
      opened: isOpen(state, now),
      waiting: early + late,
      early,
      late,
      admittedTotal: state.admittedTotal,
      admittedThisMinute: this.minutes.current(now).admitted,
      lastAdmittedNumber: isOpen(state, now) ? earlyPassed + state.lateWatermark : 0,
      medianWaitSeconds: median === null ? null : Math.round(median / 1000),
      sessionsActive,
      history: this.minutes.history(now, (at, before) => ({ at, joined: 0, admitted: 0, waiting: before?.waiting ?? 0 })),
    };
  }
}

/** Fans still waiting: the lottery's (none pass before the opening) and the late ones. */
export function waitingNow(state: QueueState, now: number): { early: number; late: number } {
  const early = isOpen(state, now) ? Math.ceil(state.earlyCount * (1 - state.earlyWatermark)) : state.earlyCount;
  return { early: Math.max(0, early), late: Math.max(0, lateWaiting(state)) };
}

function settingsView(s: ResolvedQueueSettings) {
  return { enabled: s.enabled, batchSize: s.batchSize, tickSeconds: s.tickSeconds, sessionMinutes: s.sessionMinutes, maxActive: s.maxActive, paused: s.paused, closed: s.closed };
}
