/**
 * Section 7 of `npm run bench`: live fan-out. Watchers of one event open the
 * seat stream (each from its own `CF-Connecting-IP`, as real fans do), then
 * holds are made one at a time and each watcher's delta is timed from the
 * hold's 201. The curve runs twice on the same workerd: watchers attached to
 * the SeatRoom itself (`SEAT_STREAM_RELAYS=0`, the design before relays) and
 * through the event's relays (the default).
 *
 * Besides latency, for each point it reports what does not depend on the
 * machine's cores: how many streams the SeatRoom itself writes each change
 * to (read from the room through the probe Worker), workerd's CPU time per
 * change and per watcher per change (from /proc), and workerd's resident
 * memory per watcher.
 */
import http from "node:http";
import { readFile } from "node:fs/promises";
import { rssKb } from "./process-memory";
import { call, fanTokens, percentile, progress } from "./load";

export interface FanoutOptions {
  url: string;
  pid: number;
  probeUrl: string;
  eventId: string;
  ticketCount: number;
  quick: boolean;
  /** Restarts workerd with these vars (same storage); streams open before it end. */
  restart(vars: Record<string, string>): Promise<{ url: string; pid: number; probeUrl?: string }>;
}

interface Point {
  watchers: number;
  /** From a hold's 201 to its delta at each watcher, every round (ms). */
  p50: number;
  p99: number;
  max: number;
  /** Streams the SeatRoom itself writes each change to (watchers, or relays). */
  roomWrites: number;
  /** workerd CPU time (user + system) per change, and per watcher per change. */
  cpuMsPerChange: number;
  cpuUsPerWatcherPerChange: number;
  /** workerd resident memory added per watcher since the previous point. */
  kbPerWatcher: number;
}

const TICKS_PER_SECOND = 100;

/** user + system CPU time of a process, in ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

class Watcher {
  private buffer = "";
  private waiting: ((at: number) => void) | undefined;
  readonly request: http.ClientRequest;

  constructor(url: string, address: string, onSnapshot: () => void, onError: (error: Error) => void) {
    let opened = false;
    this.request = http.get(url, { agent: false, headers: { "cf-connecting-ip": address } }, (res) => {
      if (res.statusCode !== 200) return onError(new Error(`seat stream: ${res.statusCode}`));
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        this.buffer += chunk;
        let end: number;
        while ((end = this.buffer.indexOf("\n\n")) >= 0) {
          const frame = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          if (!opened && frame.includes("event: snapshot")) {
            opened = true;
            onSnapshot();
          } else if (frame.includes("event: delta")) {
            const resolve = this.waiting;
            this.waiting = undefined;
            resolve?.(performance.now());
          }
        }
      });
    });
    this.request.on("error", onError);
  }

  /** The time the next delta arrives. */
  nextDelta(): Promise<number> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.request.destroy();
  }
}

async function openWatchers(url: string, eventId: string, from: number, count: number): Promise<Watcher[]> {
  const opened: Watcher[] = [];
  const BATCH = 500;
  for (let start = from; start < from + count; start += BATCH) {
    const size = Math.min(BATCH, from + count - start);
    await Promise.all(
      Array.from({ length: size }, (_, i) => {
        const n = start + i;
        const address = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
        return new Promise<void>((resolve, reject) => {
          opened.push(new Watcher(`${url}/api/events/${eventId}/seats/stream`, address, resolve, reject));
        });
      }),
    );
  }
  return opened;
}

async function roomWatchers(probeUrl: string, eventId: string): Promise<number> {
  const res = await fetch(`${probeUrl}/room?name=${encodeURIComponent(eventId)}`);
  return Number(await res.text());
}

/** One curve: watchers grow point by point on one event; at each point, `rounds` holds are timed to every watcher. */
async function curve(target: { url: string; pid: number; probeUrl: string }, options: FanoutOptions, points: number[], rounds: number, label: string, seatBase: number): Promise<Point[]> {
  const tokens = await fanTokens(`fanout-${label}`, points.length * rounds);
  const watchers: Watcher[] = [];
  const result: Point[] = [];
  let rssBefore = await rssKb(target.pid);
  let seat = seatBase;
  try {
    for (const [p, size] of points.entries()) {
      watchers.push(...(await openWatchers(target.url, options.eventId, watchers.length, size - watchers.length)));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const rss = await rssKb(target.pid);
      const added = size - (points[p - 1] ?? 0);
      const kbPerWatcher = Number(((rss - rssBefore) / added).toFixed(1));
      rssBefore = rss;
      const roomWrites = await roomWatchers(target.probeUrl, options.eventId);
      const delays: number[] = [];
      const cpuBefore = await cpuMs(target.pid);
      for (let round = 0; round < rounds; round++) {
        const arrivals = Promise.all(watchers.map((w) => w.nextDelta()));
        const token = tokens[p * rounds + round] ?? "";
        const res = await call(`${target.url}/api/booking/reserve`, "POST", { ticketIds: [`${options.eventId}.${seat++ % options.ticketCount}`] }, token).catch((error: Error) => {
          throw new Error(`reserve at ${size} watchers: ${error.message} (${String(error.cause)})`);
        });
        const held = performance.now();
        if (res.status !== 201) throw new Error(`reserve: ${res.status} ${res.text}`);
        for (const at of await arrivals) delays.push(Math.max(0, at - held));
        // Far enough apart that each hold is its own delta (the room coalesces within 100 ms).
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const cpu = (await cpuMs(target.pid)) - cpuBefore;
      const point: Point = {
        watchers: size,
        p50: percentile(delays, 0.5),
        p99: percentile(delays, 0.99),
        max: percentile(delays, 1),
        roomWrites,
        cpuMsPerChange: Number((cpu / rounds).toFixed(1)),
        cpuUsPerWatcherPerChange: Number(((cpu * 1000) / rounds / size).toFixed(1)),
        kbPerWatcher,
      };
      progress(`  ${label}, ${size} watchers: hold → delta p50 ${point.p50} ms, p99 ${point.p99} ms; room writes ${roomWrites}/change; ${point.cpuUsPerWatcherPerChange} µs CPU per watcher per change; ${kbPerWatcher} KB per watcher`);
      result.push(point);
    }
  } finally {
    for (const w of watchers) w.close();
  }
  return result;
}

export async function benchFanout(options: FanoutOptions) {
  const points = options.quick ? [100, 1_000] : [100, 500, 1_000, 2_000, 5_000, 10_000];
  const rounds = options.quick ? 4 : 10;
  const direct = await options.restart({ SEAT_STREAM_RELAYS: "0" });
  const before = await curve({ probeUrl: options.probeUrl, ...direct }, options, points, rounds, "from the room", 20_000);
  const relayed = await options.restart({});
  const after = await curve({ probeUrl: options.probeUrl, ...relayed }, options, points, rounds, "through relays", 40_000);
  return {
    event: { id: options.eventId, seats: options.ticketCount },
    rounds,
    note: "one change per round, 250 ms apart; watchers each from their own address; workerd's CPU from /proc; the load generator shares the 2 cores",
    fromTheRoom: before,
    throughRelays: after,
  };
}
