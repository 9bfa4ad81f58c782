/**
 * `npm run bench`: measures the hot paths on this machine, against the real
 * stack (wrangler dev + workerd, the Neon driver, embedded Postgres or
 * DATABASE_URL):
 *
 * 1. seat map views of a 90,000-seat stadium from the SeatRoom's memory,
 *    against the classic design (one Postgres query of every ticket row per
 *    view, through the same driver);
 * 2. concurrent seat streams (SSE) on one event: memory per stream and the
 *    time from a hold to its delta at every watcher;
 * 3. search latency at the origin (edge cache off).
 *
 * Sizes: BENCH_SECONDS (default 8), BENCH_STREAMS (default 2000).
 */
import http from "node:http";
import os from "node:os";
import { rssKb } from "./process-memory";
import { startBenchStack } from "./stack";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000);
const PORT = Number(process.env.BENCH_PORT ?? 8790);

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.text() };
}

/** Runs `work` in `concurrency` loops for SECONDS; returns ops/s and latency percentiles (ms). */
async function load(concurrency: number, work: () => Promise<void>) {
  const latencies: number[] = [];
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t = performance.now();
        await work();
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(1));
  return { opsPerSecond: Math.round(latencies.length / SECONDS), p50: pct(0.5), p99: pct(0.99) };
}

async function workerdPid(): Promise<number> {
  const { execSync } = await import("node:child_process");
  const pid = Number(execSync("pgrep -n -x workerd || true").toString().trim());
  if (!pid) throw new Error("workerd is not running");
  return pid;
}

// The benchmark is many fans from one address: the abuse limits are lifted for it (said in the results).
const LIFTED_LIMITS = { RATE_LIMITS: "off", STREAMS_PER_ADDRESS: "1000000" };
const stack = await startBenchStack({ venue: "stadium", port: PORT, vars: { CACHE_TTL_SECONDS: "0", ...LIFTED_LIMITS } });
const { database, pool, event, worker } = stack;
console.error(`stadium event ${event.id}: ${event.ticketCount} tickets`);
const results: Record<string, unknown> = { machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, database: database.embedded ? "embedded (PGlite)" : "DATABASE_URL", limits: "rate limits and stream caps lifted (one address)" };
try {
  const token = async (userId: string) => JSON.parse((await post(`${worker.url}/api/dev/token`, { userId })).body).token as string;

  // Scatter some holds so the map is not uniform.
  for (let i = 0; i < 50; i++) {
    const t = await token(`warm-${i}`);
    const seats = Array.from({ length: 8 }, (_, k) => `${event.id}.${(i * 1777 + k * 97) % event.ticketCount}`);
    await post(`${worker.url}/api/booking/reserve`, { ticketIds: seats }, { authorization: `Bearer ${t}` });
  }

  const snap = await get(`${worker.url}/api/events/${event.id}/seats`);
  results.snapshotBytes = snap.body.length;
  results.seatMapFromRoom = await load(32, async () => {
    const res = await get(`${worker.url}/api/events/${event.id}/seats`);
    if (res.status !== 200) throw new Error(`seats: ${res.status}`);
  });
  console.error("seat map from the room:", results.seatMapFromRoom);

  results.seatMapClassicPostgres = await load(2, async () => {
    await pool.query(
      `select t.seat_index, case when bt.booking_id is not null then 2 else 0 end as status
       from tickets t left join booked_tickets bt on bt.event_id = t.event_id and bt.seat_index = t.seat_index and not bt.released
       where t.event_id = $1 order by t.seat_index`,
      [event.id],
    );
  });
  console.error("seat map, classic query per view:", results.seatMapClassicPostgres);

  const searchTerms = ["stadium", "benchmarks night", "london", "bench", "concert night", "zzzz"];
  let n = 0;
  results.searchAtOrigin = await load(4, async () => {
    const term = searchTerms[n++ % searchTerms.length] ?? "";
    const res = await get(`${worker.url}/api/search?term=${encodeURIComponent(term)}`);
    if (res.status !== 200) throw new Error(`search: ${res.status}`);
  });
  console.error("search at the origin:", results.searchAtOrigin);

  // Streams: open STREAMS watchers, then time holds to their deltas.
  const pid = await workerdPid();
  const before = await rssKb(pid);
  const streamAgent = new http.Agent({ keepAlive: true, maxSockets: STREAMS + 10 });
  const arrivals: ((seq: number) => void)[] = [];
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: STREAMS },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = http.get(`${worker.url}/api/events/${event.id}/seats/stream`, { agent: streamAgent }, (res) => {
            res.setEncoding("utf8");
            let buffer = "";
            let opened = false;
            res.on("data", (chunk: string) => {
              buffer += chunk;
              let end: number;
              while ((end = buffer.indexOf("\n\n")) >= 0) {
                const frame = buffer.slice(0, end);
                buffer = buffer.slice(end + 2);
                const id = /^id: (\d+)$/m.exec(frame)?.[1];
                if (!opened && frame.includes("event: snapshot")) {
                  opened = true;
                  resolve();
                } else if (id && frame.includes("event: delta")) arrivals[i]?.(Number(id));
              }
            });
          });
          req.on("error", reject);
          requests.push(req);
        }),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = await rssKb(pid);
  results.streams = { open: STREAMS, workerdRssBeforeMb: Math.round(before / 1024), workerdRssAfterMb: Math.round(after / 1024), kbPerStream: Number(((after - before) / STREAMS).toFixed(1)) };
  console.error("streams:", results.streams);

  // From a hold's 201 to its delta at each watcher (a sample of 100 watchers, then all).
  const holdToDelta = async (watchers: number, offset: number) => {
    const delays: number[] = [];
    for (let round = 0; round < 10; round++) {
      const t = await token(`streamer-${offset}-${round}`);
      const received = Promise.all(
        Array.from({ length: watchers }, (_, i) => new Promise<number>((resolve) => (arrivals[i] = () => resolve(performance.now())))),
      );
      for (let i = watchers; i < STREAMS; i++) arrivals[i] = () => {};
      const res = await post(`${worker.url}/api/booking/reserve`, { ticketIds: [`${event.id}.${offset + round}`] }, { authorization: `Bearer ${t}` });
      const held = performance.now();
      if (res.status !== 201) throw new Error(`reserve: ${res.status}`);
      for (const at of await received) delays.push(Math.max(0, at - held));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    delays.sort((a, b) => a - b);
    const pct = (p: number) => Number((delays[Math.floor(delays.length * p)] ?? 0).toFixed(1));
    return { watchers, p50: pct(0.5), p99: pct(0.99), max: Number((delays.at(-1) ?? 0).toFixed(1)) };
  };
  results.holdToDeltaMs = [await holdToDelta(Math.min(100, STREAMS), 40_000), await holdToDelta(STREAMS, 50_000)];
  console.error("hold → delta:", results.holdToDeltaMs);
  for (const req of requests) req.destroy();
} finally {
  await stack.stop();
}
console.log(JSON.stringify(results, null, 2));
