/**
 * The verdict and the report of `npm run bench:streams`: plain functions over
 * the readings a run took (see streams-memory.ts for how it takes them). The
 * criteria live here only, so the run's wait for the heap and the verdict use
 * the same allowance. Writes the results as JSON and prints a table with one
 * line per check.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RssReading } from "./process-memory";

/**
 * 2 MB, not more: after a full GC, 2,000 open streams add only about 5 MB of
 * heap (the rest of a stream's memory is native), so a floor of 10 MB would
 * pass with every closed stream still held.
 */
const HEAP_ALLOWANCE_MIN_BYTES = 2 * 2 ** 20;
const HEAP_ALLOWANCE_SHARE = 0.2;
const RSS_PLATEAU_SHARE = 0.15;

export const mbOfKb = (kb: number) => Math.round(kb / 1024);
export const mbOfBytes = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Criterion (a): how far above rest the heap may stay after a round whose heap grew by `growth` bytes. */
export const heapAllowance = (growth: number) => Math.max(HEAP_ALLOWANCE_MIN_BYTES, HEAP_ALLOWANCE_SHARE * growth);

/** One reading: RSS in KB (all workerd, runtime, wrangler's proxy), the Worker's heap in bytes after a full GC. */
export interface Sample extends RssReading {
  heapUsed: number;
  heapTotal: number;
  /** ArrayBuffer backing stores outside the V8 heap (stream chunks, say). */
  backingStore: number;
}

export interface Round {
  round: number;
  atRest: Sample;
  during: Sample;
  /** The highest RSS sampled so far in the run, this round included (KB). */
  highestRssKb: number;
  after: Sample;
  afterSeconds: number;
  /** The heap was back near rest and no longer falling (else the wait gave up). */
  settled: boolean;
  secondsToOpen: number;
  snapshots: number;
  cap: { opened: number; tries: number; refusedStatus: number; refusedContentType: string; refusedBody: string };
  afterSamples: { seconds: number; heapMb: number; rssMb: number }[];
}

/** What a run took, for the verdict and the report. */
export interface StreamsRun {
  started: number;
  /** Streams a round, each from its own address. */
  streams: number;
  /** The per-address cap (streams from one address that must open). */
  perAddress: number;
  rest: Sample;
  /** At least one. */
  rounds: [Round, ...Round[]];
  /** How many of `perAddress` streams from the capped address opened after the last round. */
  lastPlacesBack: number;
  streamsEndedByTheServer: number;
  workerdPidsSeen: number[];
  database: string;
  seats: number;
  inspector: { port: number; version: string; targets: string[]; runtimeTargets: string[] | null };
}

/** The criteria (see streams-memory.ts), round by round. */
function judge({ rest, rounds, perAddress, lastPlacesBack }: StreamsRun) {
  const heapChecks = rounds.map((r) => {
    const growth = r.during.heapUsed - r.atRest.heapUsed;
    const allowance = heapAllowance(growth);
    const left = r.after.heapUsed - rest.heapUsed;
    // A growth within the allowance means (a) would pass with every stream still open.
    return { round: r.round, growthMb: mbOfBytes(growth), afterMinusRestMb: mbOfBytes(left), allowanceMb: mbOfBytes(allowance), pass: left <= allowance, tells: growth > allowance };
  });
  const round1RssGrowthKb = rounds[0].highestRssKb - rest.rssKb;
  const rssChecks = rounds.slice(1).map((r, i) => {
    const added = r.highestRssKb - (rounds[i]?.highestRssKb ?? 0);
    const limit = RSS_PLATEAU_SHARE * round1RssGrowthKb;
    return { round: r.round, addedMb: mbOfKb(added), limitMb: mbOfKb(limit), pass: added < limit };
  });
  const capHeld = rounds.every((r) => r.cap.refusedStatus === 429 && r.cap.refusedContentType.startsWith("application/problem+json"));
  const placesBack = rounds.every((r) => r.cap.opened === perAddress) && lastPlacesBack === perAddress;
  const heapPass = heapChecks.every((c) => c.pass);
  const rssPass = rssChecks.length > 0 && rssChecks.every((c) => c.pass);
  const criteria = {
    heap: `(a) every round: heap after - heap at rest before round 1 <= max(${HEAP_ALLOWANCE_MIN_BYTES / 2 ** 20} MB, ${HEAP_ALLOWANCE_SHARE * 100}% of the round's heap growth, at rest to during); heap = the Worker isolate's V8 used size after HeapProfiler.collectGarbage`,
    rss: `(b) rounds 2..${rounds.length}: the rise of the highest RSS seen (wrangler's proxy + runtime workerd) < ${RSS_PLATEAU_SHARE * 100}% of round 1's rise above rest${rounds.length < 2 ? " (needs BENCH_ROUNDS >= 2)" : ""}`,
    cap: `stream ${perAddress + 1} from one address is a 429 problem+json, and each round (and once more at the end) that address opens all ${perAddress} again`,
  };
  return { heapChecks, rssChecks, round1RssGrowthKb, capHeld, placesBack, heapPass, rssPass, criteria };
}

/** Judges `run`, writes the results to `resultsPath`, prints the table; true when every criterion passed. */
export async function report(run: StreamsRun, resultsPath: string): Promise<boolean> {
  const { rest, rounds, streams, perAddress, lastPlacesBack } = run;
  const { heapChecks, rssChecks, round1RssGrowthKb, capHeld, placesBack, heapPass, rssPass, criteria } = judge(run);
  const results = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    workerd: await workerdVersion(),
    database: run.database,
    event: { venue: "theater", seats: run.seats },
    streamsPerRound: streams,
    cappedStreamsPerRound: perAddress,
    inspector: {
      wranglerProxy: { port: run.inspector.port, version: run.inspector.version, targets: run.inspector.targets },
      runtimeTargets: run.inspector.runtimeTargets,
      measured: "the Worker's isolate (wrangler's one target: core:user:edge-tickets, which also runs the Durable Objects); miniflare's own isolates (core:entry etc.) and wrangler's proxy process have no target there",
    },
    workerdPidsSeen: run.workerdPidsSeen,
    streamsEndedByTheServer: run.streamsEndedByTheServer,
    rounds: rounds.map((r) => ({
      round: r.round,
      secondsToOpen: r.secondsToOpen,
      snapshots: r.snapshots,
      heapMb: { atRest: mbOfBytes(r.atRest.heapUsed), during: mbOfBytes(r.during.heapUsed), after: mbOfBytes(r.after.heapUsed) },
      backingStoreMb: { atRest: mbOfBytes(r.atRest.backingStore), during: mbOfBytes(r.during.backingStore), after: mbOfBytes(r.after.backingStore) },
      rssMb: { atRest: mbOfKb(r.atRest.rssKb), during: mbOfKb(r.during.rssKb), after: mbOfKb(r.after.rssKb), highestSoFar: mbOfKb(r.highestRssKb) },
      runtimeRssMb: { atRest: mbOfKb(r.atRest.runtimeKb), during: mbOfKb(r.during.runtimeKb), after: mbOfKb(r.after.runtimeKb) },
      wranglerProxyRssMb: { atRest: mbOfKb(r.atRest.proxyKb), during: mbOfKb(r.during.proxyKb), after: mbOfKb(r.after.proxyKb) },
      afterSeconds: r.afterSeconds,
      heapSettled: r.settled,
      cap: r.cap,
      afterSamples: r.afterSamples,
    })),
    heapKbPerStream: Number(((rounds[0].during.heapUsed - rest.heapUsed) / 1024 / streams).toFixed(1)),
    rssKbPerStream: Number(((rounds[0].during.rssKb - rest.rssKb) / streams).toFixed(1)),
    criteria,
    checks: { heap: heapChecks, rss: rssChecks, capHeld, placesBack, lastPlacesBack },
    pass: { heap: heapPass, rss: rssPass, cap: capHeld && placesBack },
    seconds: Math.round((Date.now() - run.started) / 1000),
  };
  await mkdir(path.dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

  const cell = (v: string | number, w = 8) => String(v).padStart(w);
  const lines = [
    `${streams} streams (+ ${perAddress} from one address) a round; heap = the Worker's V8 heap used after a full GC, RSS = wrangler's workerd processes`,
    `round  ${cell("heap MB: rest", 14)} ${cell("during")} ${cell("after")}   ${cell("RSS MB: rest", 13)} ${cell("during")} ${cell("after")} ${cell("highest")}   after closing`,
    ...rounds.map(
      (r) =>
        `${cell(r.round, 5)}  ${cell(mbOfBytes(r.atRest.heapUsed), 14)} ${cell(mbOfBytes(r.during.heapUsed))} ${cell(mbOfBytes(r.after.heapUsed))}   ${cell(mbOfKb(r.atRest.rssKb), 13)} ${cell(mbOfKb(r.during.rssKb))} ${cell(mbOfKb(r.after.rssKb))} ${cell(mbOfKb(r.highestRssKb))}   ${r.afterSeconds} s${r.settled ? "" : " (heap not back)"}`,
    ),
    "",
    criteria.heap,
    ...heapChecks.map(
      (c) =>
        `  round ${c.round}: after - rest = ${c.afterMinusRestMb} MB, allowed ${c.allowanceMb} MB (growth ${c.growthMb} MB): ${c.pass ? "pass" : "FAIL"}${c.tells ? "" : " (the growth is within the allowance: too few streams for this check to tell)"}`,
    ),
    criteria.rss,
    ...(rssChecks.length === 0
      ? ["  not judged: one round only: FAIL"]
      : [`  round 1 raised it ${mbOfKb(round1RssGrowthKb)} MB`, ...rssChecks.map((c) => `  round ${c.round}: +${c.addedMb} MB, allowed < ${c.limitMb} MB: ${c.pass ? "pass" : "FAIL"}`)]),
    criteria.cap,
    `  ${rounds.map((r) => `round ${r.round}: ${r.cap.opened} open, then ${r.cap.refusedStatus} ${r.cap.refusedContentType}`).join("; ")}; at the end: ${lastPlacesBack} open: ${capHeld && placesBack ? "pass" : "FAIL"}`,
    "",
    `memory comes back down: ${heapPass && rssPass && capHeld && placesBack ? "PASS" : "FAIL"}; written to ${path.relative(process.cwd(), resultsPath)}; the run took ${results.seconds} s`,
  ];
  console.log(lines.join("\n"));
  const { streamsEndedByTheServer: endedEarly, workerdPidsSeen: pids } = run;
  if (endedEarly > 0 || pids.length > 2) console.log(`warning: ${endedEarly} streams ended by the server, workerd pids ${pids.join(", ")}: wrangler restarted workerd (a source file changed?)`);
  return heapPass && rssPass && capHeld && placesBack;
}

/** The version of the workerd package wrangler runs. */
async function workerdVersion(): Promise<string> {
  for (const name of ["workerd", `@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}`]) {
    const pkg = await readFile(path.join(import.meta.dirname, "..", "node_modules", name, "package.json"), "utf8").catch(() => "");
    if (pkg) return (JSON.parse(pkg) as { version: string }).version;
  }
  return "unknown";
}
