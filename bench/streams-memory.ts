/**
 * `npm run bench:streams`: do closed seat streams give their memory back?
 * (issue #9). Against the real local stack (wrangler dev + workerd; embedded
 * Postgres, or DATABASE_URL) and one theater-size event, it runs several
 * rounds of the same load and reads, before, during and after each one:
 *
 * - the Worker's V8 heap (used bytes, after a forced full GC), through the
 *   inspector wrangler dev exposes (its inspector proxy; the port is found
 *   from the sockets of wrangler's workerd, as wrangler picks 9229 or, when
 *   that is taken, any free port). Its one target is the Worker's isolate,
 *   which in workerd also runs the Worker's Durable Objects (the rooms): the
 *   runtime's own inspector lists no separate isolate for them;
 * - the resident memory (VmRSS) of the two workerd processes wrangler runs:
 *   its proxy (dev only, on the public port) and the runtime.
 *
 * A round: 2,000 seat streams, each from its own CF-Connecting-IP (so the
 * per-address cap does not bite) and each read up to its `snapshot` frame
 * (so it is really open); then 256 more from one address, and the 257th
 * must be a 429 problem+json; then every socket is destroyed, and the heap
 * is sampled every 5 s until it is back near rest and no longer falling
 * (at most 95 s). The room lets a closed stream go only when a write to it
 * fails, at a keepalive (every 25 s), and under wrangler dev a disconnect
 * needs up to three of them to reach the room (one per hop: wrangler's
 * proxy, the API Worker, the room). The next round's 256 streams from the
 * one address must all open again: the room let the last round's go.
 *
 * Passes (exit 0) when, in every round:
 * (a) the heap after is within max(2 MB, 20% of the round's growth, at
 *     rest to during) of the heap at rest before the first round (with
 *     fewer streams than 1,000 the growth is below 2 MB and (a) cannot
 *     tell, so BENCH_STREAMS is at least 1,000);
 * (b) from round 2 on, the round raises the highest RSS seen so far by less
 *     than 15% of what round 1 raised it: freed memory is reused, not
 *     leaked (workerd's allocator, tcmalloc, keeps freed pages, so RSS is
 *     not expected to fall);
 * and the cap held and the places came back. Writes
 * bench/results/streams-memory.json. BENCH_STREAMS (default 2000),
 * BENCH_ROUNDS (default 3, at least 2 to judge (b)) and BENCH_PORT (default
 * 8791) change it; about 100 s a round.
 *
 * This module drives the rounds; the readings are taken by inspector.ts
 * (heap), process-memory.ts (RSS) and sse-clients.ts (the streams), and
 * streams-memory-report.ts judges them and writes the report.
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Inspector, findInspectors, heapAfterGc } from "./inspector";
import { WorkerdMemory, endLeftovers, workerds } from "./process-memory";
import { distinctAddress, openMany, openStream, type Stream } from "./sse-clients";
import { startBenchStack, type BenchStack } from "./stack";
import { heapAllowance, mbOfBytes, mbOfKb, report, type Round, type Sample } from "./streams-memory-report";

/** Fewer than 1,000 streams move the heap by less than its noise, and close before the room has noticed: not a measurement. */
const MIN_STREAMS = 1_000;
const STREAMS = Math.max(MIN_STREAMS, Number(process.env.BENCH_STREAMS ?? 2000));
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const PORT = Number(process.env.BENCH_PORT ?? 8791);
/** wrangler.toml's STREAMS_PER_ADDRESS, left as it is. */
const PER_ADDRESS = 256;
const CAPPED = "10.255.0.1";
const SETTLE_MS = 3_000;
/** After closing: a sample every SAMPLE_MS, for at most RELEASE_MAX_MS (three keepalives, 25 s each, and some). */
const SAMPLE_MS = 5_000;
const RELEASE_MAX_MS = 95_000;
/** "No longer falling": the heap fell by less than this since the sample before. */
const STEADY_BYTES = 512 * 1024;
/** The whole run, start-up included, ends by then: a bounded benchmark. */
const RUN_DEADLINE_MS = 60_000 + ROUNDS * 125_000;
const RESULTS = path.join(import.meta.dirname, "results", "streams-memory.json");

let stack: BenchStack | undefined;
let inspector: Inspector | undefined;
const watchdog = setTimeout(() => {
  console.error(`the run took longer than ${RUN_DEADLINE_MS / 1000} s: stopping`);
  void cleanUp().finally(() => process.exit(2));
}, RUN_DEADLINE_MS);
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

async function cleanUp(): Promise<void> {
  inspector?.close();
  const root = stack?.worker.process.pid;
  const left = root === undefined ? [] : await workerds(root, PORT);
  await stack?.stop();
  // wrangler ends its workerd on SIGINT; one that outlived it is ended here, by its own pid.
  await endLeftovers(left);
}

async function run(): Promise<boolean> {
  const started = Date.now();
  // Each stream first asks the edge cache whether its event exists; an hour's lifetime keeps that
  // answer cached for the whole run (a cold cache sends a burst of opens to the database at once).
  stack = await startBenchStack({ venue: "theater", port: PORT, vars: { CACHE_TTL_SECONDS: "3600" } });
  const { worker, event } = stack;
  const url = `${worker.url}/api/events/${event.id}/seats/stream`;
  const root = worker.process.pid;
  if (root === undefined) throw new Error("wrangler did not start");
  console.error(`event ${event.id} (${event.ticketCount} seats); stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const found = await findInspectors(root, PORT);
  const target = found.proxy?.targets[0];
  if (!found.proxy || !target?.webSocketDebuggerUrl) throw new Error(`wrangler dev's inspector proxy was not found below pid ${root}`);
  console.error(`inspector: wrangler's on port ${found.proxy.port}, target "${target.title}" (${target.webSocketDebuggerUrl}); the runtime's own lists ${found.runtime?.targets.join(", ") ?? "nothing"}`);
  const session = (inspector = new Inspector(target.webSocketDebuggerUrl));

  const memory = new WorkerdMemory(root, PORT);
  const get = async (path: string) => {
    const res = await fetch(`${worker.url}${path}`);
    await res.arrayBuffer();
    return res.status;
  };
  const sample = async (): Promise<Sample> => {
    // A cheap request to wake the isolate for the GC: a 404 that touches no database.
    const h = await heapAfterGc(session, () => get("/bench-gc"));
    return { ...(await memory.read()), heapUsed: h.usedSize, heapTotal: h.totalSize, backingStore: h.backingStorageSize ?? 0 };
  };

  // At rest: the room is open and a few streams have come and gone, so what follows is the streams' cost.
  const seats = `/api/events/${event.id}/seats`;
  if ((await get(seats)) !== 200) throw new Error("seats: not 200");
  for (const s of await openMany(url, 10, (i) => `10.254.0.${i + 1}`)) s.close();
  await sleep(SETTLE_MS);
  await get(seats);
  const rest = await sample();
  console.error(`at rest: heap ${mbOfBytes(rest.heapUsed)} MB, RSS ${mbOfKb(rest.rssKb)} MB`);

  const rounds: Round[] = [];
  let endedEarly = 0;
  let previousAfter = rest;
  for (let r = 1; r <= ROUNDS; r++) {
    const atRest = r === 1 ? rest : previousAfter;
    // During: STREAMS open streams, each from its own address; RSS read after every batch.
    const opening = Date.now();
    const streams = await openMany(url, STREAMS, distinctAddress, async () => void (await memory.read()));
    const secondsToOpen = (Date.now() - opening) / 1000;
    const snapshots = streams.filter((s) => s.snapshot).length;
    if (snapshots !== STREAMS) {
      const first = streams.find((s) => !s.snapshot);
      throw new Error(`round ${r}: ${snapshots} of ${STREAMS} streams got their snapshot; one that did not got ${first?.status} ${first?.body.slice(0, 300)}`);
    }
    await sleep(SETTLE_MS);
    const during = await sample();
    console.error(`round ${r}: ${STREAMS} open in ${secondsToOpen.toFixed(1)} s; heap ${mbOfBytes(during.heapUsed)} MB, RSS ${mbOfKb(during.rssKb)} MB`);

    // The cap: PER_ADDRESS streams from one address open (from round 2 on, only if the room let the
    // last round's go), the next one is refused. A refused one is tried again, up to 5 times.
    const { open: capped, tries } = await openFromCapped(url);
    const refused = await openStream(url, CAPPED);
    console.error(`round ${r}: ${capped.length} of ${PER_ADDRESS} from ${CAPPED} open (${tries} tries); the next: ${refused.status} ${refused.contentType} ${refused.body.trim()}`);
    endedEarly += [...streams, ...capped].filter((s) => s.endedEarly).length;
    await memory.read();

    // After: every socket destroyed; a sample every SAMPLE_MS until the heap is back near rest
    // and has stopped falling, or RELEASE_MAX_MS.
    for (const s of [...streams, ...capped]) s.close();
    refused.close();
    const closedAt = Date.now();
    const since = () => Math.round((Date.now() - closedAt) / 1000);
    const allowance = heapAllowance(during.heapUsed - atRest.heapUsed);
    const afterSamples: Round["afterSamples"] = [];
    let after = during;
    let settled = false;
    while (Date.now() - closedAt < RELEASE_MAX_MS) {
      await sleep(SAMPLE_MS);
      const before = after;
      after = await sample();
      afterSamples.push({ seconds: since(), heapMb: mbOfBytes(after.heapUsed), rssMb: mbOfKb(after.rssKb) });
      if (after.heapUsed - rest.heapUsed <= allowance && before.heapUsed - after.heapUsed < STEADY_BYTES) {
        settled = true;
        break;
      }
    }
    const afterSeconds = since();
    console.error(`round ${r}: ${afterSeconds} s after closing: heap ${mbOfBytes(after.heapUsed)} MB, RSS ${mbOfKb(after.rssKb)} MB${settled ? "" : " (still not back)"}`);
    rounds.push({
      round: r,
      atRest,
      during,
      highestRssKb: memory.highestRssKb,
      after,
      afterSeconds,
      settled,
      secondsToOpen: Number(secondsToOpen.toFixed(1)),
      snapshots,
      cap: { opened: capped.length, tries, refusedStatus: refused.status, refusedContentType: refused.contentType, refusedBody: refused.body.trim() },
      afterSamples,
    });
    previousAfter = after;
  }

  // The last round's places: PER_ADDRESS streams from the capped address open once more.
  const { open: back } = await openFromCapped(url);
  const lastPlacesBack = back.length;
  for (const s of back) s.close();

  const [first, ...later] = rounds;
  if (!first) throw new Error("no round ran");
  return report(
    {
      started,
      streams: STREAMS,
      perAddress: PER_ADDRESS,
      rest,
      rounds: [first, ...later],
      lastPlacesBack,
      streamsEndedByTheServer: endedEarly,
      workerdPidsSeen: [...memory.pidsSeen],
      database: stack.database.embedded ? "embedded (PGlite)" : "DATABASE_URL",
      seats: event.ticketCount,
      inspector: { port: found.proxy.port, version: found.proxy.version, targets: found.proxy.targets.map((t) => t.title ?? t.id), runtimeTargets: found.runtime?.targets ?? null },
    },
    RESULTS,
  );
}

let ok = false;
try {
  ok = await run();
} catch (error) {
  console.error(error);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
process.exit(ok ? 0 : 1);

/**
 * Opens PER_ADDRESS streams from the capped address; those refused or not
 * answered (the room has not yet let the last ones go) are tried again, up
 * to 5 times, 2 s apart.
 */
async function openFromCapped(url: string): Promise<{ open: Stream[]; tries: number }> {
  const open: Stream[] = [];
  let tries = 0;
  for (let missing = PER_ADDRESS; missing > 0 && tries < 5; missing = PER_ADDRESS - open.length) {
    if (tries++ > 0) await sleep(2_000);
    open.push(...(await openMany(url, missing, () => CAPPED)).filter((s) => s.snapshot));
  }
  return { open, tries };
}
