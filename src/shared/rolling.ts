/**
 * Rolling figures for the rooms' live operating view (src/shared/ops.ts):
 * counters by minute for the last hour, and the last few hundred values of
 * a duration to take percentiles over. Memory only; a room keeps one set.
 */
export const MINUTE = 60_000;
const KEPT_MINUTES = 60;
const SAMPLES = 500;

/** A fixed number of recent values (oldest overwritten): what percentiles are taken over. */
export class Samples {
  private readonly values: number[] = [];
  private next = 0;
  constructor(private readonly size = SAMPLES) {}

  add(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }

  get count(): number {
    return this.values.length;
  }

  /** The value below which `p` (0..1) of the samples fall (nearest rank), or null with none. */
  percentile(p: number): number | null {
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
  }
}

/** Counters by minute, the last hour of them, and totals since `since`. */
export class MinuteCounters<M extends { at: number }> {
  private readonly minutes: M[] = [];
  constructor(private readonly empty: (at: number) => M) {}

  /** The minute that `now` falls in, created (and the oldest dropped) as time moves on. */
  current(now: number): M {
    const at = Math.floor(now / MINUTE) * MINUTE;
    const last = this.minutes.at(-1);
    if (last && last.at === at) return last;
    // A clock that went back (it never does in the room, whose clock is monotonic) counts in the latest minute.
    if (last && last.at > at) return last;
    const minute = this.empty(at);
    this.minutes.push(minute);
    if (this.minutes.length > KEPT_MINUTES) this.minutes.shift();
    return minute;
  }

  /**
   * The last hour, oldest first. A minute where nothing was recorded is
   * `gap(at, the minute before)`: empty by default; a level (the line's
   * length) carries the minute before's value forward.
   */
  history(now: number, gap: (at: number, before: M | undefined) => M = (at) => this.empty(at)): M[] {
    const end = Math.floor(now / MINUTE) * MINUTE;
    const byMinute = new Map(this.minutes.map((m) => [m.at, m]));
    const start = end - (KEPT_MINUTES - 1) * MINUTE;
    let before = this.minutes.filter((m) => m.at < start).at(-1);
    const out: M[] = [];
    for (let at = start; at <= end; at += MINUTE) {
      const minute = byMinute.get(at) ?? gap(at, before);
      out.push(minute);
      before = minute;
    }
    return out;
  }

  /** The minutes from `from` (inclusive) on. */
  since(from: number): M[] {
    return this.minutes.filter((m) => m.at >= from);
  }
}

