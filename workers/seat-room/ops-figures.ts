/**
 * The SeatRoom's live operating figures (src/shared/ops.ts): counters by
 * minute for the last hour, totals since the room started, and the last
 * step durations and times to pay. Memory only, by design: they are for the
 * team watching the sale now, cost nothing per seat, and need no service;
 * what must survive (money, audit) is in Postgres. A restart starts them
 * again, and `countingSince` says so.
 */
import { REJECTION_REASONS, SEAT_COUNTERS, type RejectionReason, type SeatCounter, type SeatMinute } from "../../src/shared/ops";
import { MINUTE, MinuteCounters, Samples } from "../../src/shared/rolling";

const zeroCounts = (): Record<SeatCounter, number> => Object.fromEntries(SEAT_COUNTERS.map((k) => [k, 0])) as Record<SeatCounter, number>;
const zeroRejected = (): Record<RejectionReason, number> => Object.fromEntries(REJECTION_REASONS.map((r) => [r, 0])) as Record<RejectionReason, number>;
const emptyMinute = (at: number): SeatMinute => ({ at, ...zeroCounts(), rejected: zeroRejected() });

export class SeatFigures {
  readonly since: number;
  private readonly minutes = new MinuteCounters(emptyMinute);
  private readonly totals = zeroCounts();
  private readonly rejected = zeroRejected();
  private readonly steps = new Samples();
  private readonly toPay = new Samples();
  private stepCount = 0;

  constructor(now: number) {
    this.since = now;
  }

  count(counter: SeatCounter, now: number, n = 1): void {
    if (n === 0) return;
    this.minutes.current(now)[counter] += n;
    this.totals[counter] += n;
  }

  reject(reason: RejectionReason, now: number, n = 1): void {
    if (n <= 0) return;
    this.minutes.current(now).rejected[reason] += n;
    this.rejected[reason] += n;
  }

  /** A hold became a booking after `ms`. */
  paid(ms: number): void {
    this.toPay.add(Math.max(0, ms));
  }

  /** One room step took `ms` (wall time in the room, awaits included). */
  step(ms: number): void {
    this.steps.add(ms);
    this.stepCount += 1;
  }

  /** How fast seats leave the available pool: held minus freed, per minute over the last five minutes. */
  takeRate(now: number): number {
    const from = Math.floor(now / MINUTE) * MINUTE - 4 * MINUTE;
    const spanMinutes = Math.max(1, Math.min(5, (now - Math.max(from, this.since)) / MINUTE));
    let net = 0;
    for (const m of this.minutes.since(from)) net += m.seatsHeld - m.seatsFreed;
    return Math.max(0, net / spanMinutes);
  }

  view(now: number) {
    const ended = this.totals.holdsBooked + this.totals.holdsReleased + this.totals.holdsExpired;
    return {
      countingSince: new Date(this.since).toISOString(),
      createdThisMinute: this.minutes.current(now).holdsCreated,
      conversion: ended > 0 ? this.totals.holdsBooked / ended : null,
      medianSecondsToPay: nullable(this.toPay.percentile(0.5), (ms) => Math.round(ms / 100) / 10),
      health: {
        stepP50Ms: this.steps.percentile(0.5),
        stepP99Ms: this.steps.percentile(0.99),
        steps: this.stepCount,
        rejected: { ...this.rejected },
        errors: this.totals.errors,
      },
      totals: { ...this.totals },
      history: this.minutes.history(now).map((m) => ({ ...m, rejected: { ...m.rejected } })),
    };
  }
}

function nullable<T, U>(value: T | null, f: (v: T) => U): U | null {
  return value === null ? null : f(value);
}
