/**
 * The seat feed's throttle (workers/seat-room/seat-feed.ts): a change after a
 * quiet spell goes out at once, a burst still leaves as at most one delta per
 * FLUSH_MS window, and no change is lost or repeated when one is published
 * right at a flush (a new watcher forces one). The room's clock and timers
 * are driven, not waited on.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FLUSH_MS, SeatFeed, type Change, type FeedSource } from "../../workers/seat-room/seat-feed";
import { SseReader } from "../sse";

const SEATS = 10;

/** A feed over an in-memory map, as the room's LiveSeatMap drives it. */
function feedOver() {
  const statuses = Array.from({ length: SEATS }, () => "0");
  let seq = 0;
  const log: Change[] = [];
  const source: FeedSource = {
    eventId: "ev_throttle",
    snapshot: () => ({ seq, statuses: statuses.join("") }),
    changesSince: (after) => log.filter((c) => c.seq > after),
  };
  const feed = new SeatFeed(source, 0);
  const change = (seat: number, status: "held" | "available" = "held") => {
    seq += 1;
    statuses[seat] = status === "held" ? "1" : "0";
    const c: Change = { seq, status, seats: [seat] };
    log.push(c);
    feed.publish(c);
  };
  return { feed, change };
}

async function watcher(feed: SeatFeed, last?: number): Promise<SseReader> {
  const body = await feed.subscribe(last, { address: null, user: null }, { perAddress: 10, perUser: 10 });
  if (typeof body === "string") throw new Error(body);
  return new SseReader(new Response(body));
}

const deltas = (reader: SseReader) => reader.events.filter((e) => e.event === "delta").map((e) => JSON.parse(e.data) as { from: number; seq: number; held: string[]; available: string[] });

afterEach(() => {
  vi.useRealTimers();
});

describe("the seat feed's throttle", () => {
  it("sends a change after a quiet spell at once, then holds a burst to one delta per window", async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { feed, change } = feedOver();
    const reader = await watcher(feed);
    change(1);
    await vi.advanceTimersByTimeAsync(0);
    await reader.readUntil((e) => e.some((f) => f.event === "delta"));
    expect(deltas(reader)).toEqual([expect.objectContaining({ from: 1, seq: 1 })]);
    // Within the window: nothing goes out until it ends, then all of it at once.
    change(2);
    await vi.advanceTimersByTimeAsync(FLUSH_MS / 2);
    change(3);
    change(2, "available");
    await vi.advanceTimersByTimeAsync(FLUSH_MS / 2 - 1);
    expect(deltas(reader)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await reader.readUntil((e) => e.filter((f) => f.event === "delta").length >= 2);
    const [, burst] = deltas(reader);
    expect(burst).toMatchObject({ from: 2, seq: 4, held: ["ev_throttle.3"], available: ["ev_throttle.2"] });
    await reader.close();
  });

  it("loses and repeats nothing when a watcher's arrival forces a flush in the middle of a window", async () => {
    vi.useFakeTimers({ now: 2_000_000 });
    const { feed, change } = feedOver();
    const first = await watcher(feed);
    change(0);
    await vi.advanceTimersByTimeAsync(0);
    change(1);
    // A new watcher flushes what is pending: change 2 leaves now, not at the window's end.
    const second = await watcher(feed);
    change(4);
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    change(5);
    await vi.advanceTimersByTimeAsync(FLUSH_MS);
    await first.readUntil((e) => e.filter((f) => f.event === "delta").length >= 1 && deltas(first).at(-1)?.seq === 4);
    const seen = deltas(first);
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.from).toBe((seen[i - 1]?.seq ?? 0) + 1);
    expect(seen[0]?.from).toBe(1);
    expect(seen.flatMap((d) => d.held)).toEqual(["ev_throttle.0", "ev_throttle.1", "ev_throttle.4", "ev_throttle.5"]);
    // The newcomer starts at the forced flush and continues from it.
    await second.readUntil((e) => deltas(second).at(-1)?.seq === 4 && e.some((f) => f.event === "snapshot"));
    const snapshot = JSON.parse(second.events.find((e) => e.event === "snapshot")?.data ?? "{}") as { seq: number; statuses: string };
    expect(snapshot).toMatchObject({ seq: 2, statuses: "1100000000" });
    expect(deltas(second).map((d) => [d.from, d.seq])).toEqual([
      [3, 3],
      [4, 4],
    ]);
    await Promise.all([first.close(), second.close()]);
  });
});
