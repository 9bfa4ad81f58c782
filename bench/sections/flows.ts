/**
 * Sections 8 and 9: the waiting room (joins per second, the room's storage
 * after many joins, the time to tell 2,000 waiting fans they are admitted)
 * and booking throughput end to end (reserve → confirm → simulated
 * authorization → webhook: booking written in Postgres, payment captured).
 */
import http from "node:http";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { ticketId } from "../../src/shared/ids";
import { DEMO_ORG } from "../../workers/api/catalog/tenancy";
import { call, cannon, fanTokens, jsonRequest, percentile, pooled, progress } from "../load";

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

async function organizerToken(): Promise<string> {
  const [token] = await fanTokens("bench-organizer", 1, ["organizer", "fan"], DEMO_ORG);
  return token ?? "";
}

async function setQueue(url: string, eventId: string, queue: Record<string, unknown>): Promise<void> {
  const res = await call(`${url}/api/events/${eventId}`, "PATCH", { queue }, await organizerToken());
  if (res.status !== 200) throw new Error(`queue settings: ${res.status} ${res.text.slice(0, 300)}`);
}

export async function waitingRoom(url: string, doStorage: string, joinEvent: string, admitEvent: string, joins: number, watchers: number, seconds: number) {
  // Joins: paused admission (nothing leaves the line), distinct fans.
  await setQueue(url, joinEvent, { enabled: true, paused: true });
  const queueDir = async () => path.join(doStorage, (await readdir(doStorage).catch(() => [] as string[])).find((d) => d.endsWith("-QueueRoom")) ?? "none");
  const storageBefore = await bytesUnder(await queueDir());
  const tokens = await fanTokens("queue-fan", joins);
  let k = 0;
  let joined = 0;
  const f = await cannon(`waiting room: ${joins} joins`, {
    url,
    amount: joins,
    connections: 64,
    requests: [
      {
        setupRequest: (request) => jsonRequest(request, "POST", `/api/events/${joinEvent}/queue`, {}, { authorization: `Bearer ${tokens[k++ % tokens.length]}` }),
        onResponse: (status) => {
          if (status === 201) joined++;
        },
      },
    ],
  });
  // Give SQLite a moment to checkpoint its WAL before reading the files' size.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const storageAfter = await bytesUnder(await queueDir());

  // Admission: `watchers` fans wait on their streams; admission resumes with room for all of them in one tick.
  await setQueue(url, admitEvent, { enabled: true, paused: true, batchSize: Math.max(watchers, 100), tickSeconds: 1, maxActive: Math.max(watchers, 1000) });
  const watcherTokens = await fanTokens("queue-watcher", watchers);
  const tickets: string[] = [];
  await pooled(watcherTokens, 32, async (token) => {
    const res = await call(`${url}/api/events/${admitEvent}/queue`, "POST", {}, token);
    if (res.status !== 201) throw new Error(`join: ${res.status} ${res.text.slice(0, 200)}`);
    tickets.push((res.json as { queueTicket: string }).queueTicket);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: watchers + 10 });
  const admittedAt: number[] = [];
  const requests: http.ClientRequest[] = [];
  let resumedAt = 0;
  let allOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => (allOpen = resolve));
  let openCount = 0;
  const everyoneAdmitted = new Promise<void>((resolve) => {
    for (const ticket of tickets) {
      const req = http.get(`${url}/api/events/${admitEvent}/queue/stream?ticket=${encodeURIComponent(ticket)}`, { agent }, (res) => {
        if (++openCount === tickets.length) allOpen();
        res.setEncoding("utf8");
        let seen = false;
        res.on("data", (chunk: string) => {
          if (!seen && chunk.includes("event: admitted")) {
            seen = true;
            admittedAt.push(performance.now() - resumedAt);
            if (admittedAt.length === tickets.length) resolve();
          }
        });
      });
      req.on("error", () => {});
      requests.push(req);
    }
  });
  await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  progress(`  ${openCount} of ${tickets.length} waiting fans' streams open; resuming admission`);
  resumedAt = performance.now();
  await setQueue(url, admitEvent, { enabled: true, paused: false, batchSize: Math.max(watchers, 100), tickSeconds: 1, maxActive: Math.max(watchers, 1000) });
  await Promise.race([everyoneAdmitted, new Promise((resolve) => setTimeout(resolve, Math.max(30, seconds * 4) * 1000))]);
  for (const req of requests) req.destroy();
  agent.destroy();
  const told = admittedAt.length;
  progress(`  ${told} of ${tickets.length} told "admitted", the last ${Math.round(Math.max(0, ...admittedAt))} ms after admission resumed`);
  return {
    joins: { ...f, joined, joinsPerSecond: Math.round(joined / f.seconds) },
    storage: {
      note: "bytes of the QueueRoom class's SQLite files (every QueueRoom of this workerd: the joins' room and any other), after the joins",
      before: storageBefore,
      after: storageAfter,
      growthBytes: storageAfter - storageBefore,
      bytesPerJoin: joined > 0 ? Math.round((storageAfter - storageBefore) / joined) : null,
    },
    admission: {
      waitingFans: tickets.length,
      streamsOpen: openCount,
      toldAdmitted: told,
      settings: "paused, then resumed with batchSize = maxActive = waiting fans, tickSeconds 1",
      msUntilAllTold: told === tickets.length ? Math.round(Math.max(...admittedAt)) : null,
      p50Ms: percentile(admittedAt, 0.5),
      p99Ms: percentile(admittedAt, 0.99),
    },
  };
}

export async function bookingThroughput(url: string, pgUrl: string | undefined, eventId: string, flows: number, concurrency: number) {
  const tokens = await fanTokens("booking-fan", flows);
  const steps = { reserve: [] as number[], confirm: [] as number[], authorizeAndWebhook: [] as number[] };
  let settled = 0;
  const failures: string[] = [];
  /** Transactions committed and milliseconds spent executing SQL in the run's database so far (pg_stat_database, PostgreSQL 14+). */
  const pgTotals = async () => {
    if (!pgUrl) return undefined;
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      // Backends report their counters when idle for a second: wait for them.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const r = await client.query("select xact_commit::bigint as commits, active_time::float8 as active from pg_stat_database where datname = current_database()");
      const row = r.rows[0] as { commits: string; active: number | null };
      return { commits: Number(row.commits), activeMs: row.active ?? 0 };
    } finally {
      await client.end();
    }
  };
  const before = await pgTotals();
  const started = performance.now();
  const total = await pooled(tokens, concurrency, async (token, i) => {
    let t = performance.now();
    const held = await call(`${url}/api/booking/reserve`, "POST", { ticketIds: [ticketId(eventId, i)] }, token);
    steps.reserve.push(performance.now() - t);
    if (held.status !== 201) return void failures.push(`reserve ${held.status}`);
    t = performance.now();
    const confirmed = await call(`${url}/api/booking/confirm`, "PUT", { holdId: (held.json as { holdId: string }).holdId }, token);
    steps.confirm.push(performance.now() - t);
    if (confirmed.status !== 200) return void failures.push(`confirm ${confirmed.status} ${confirmed.text.slice(0, 120)}`);
    t = performance.now();
    const paid = await call(`${url}/api/dev/payments/${(confirmed.json as { paymentIntentId: string }).paymentIntentId}/authorize`, "POST");
    steps.authorizeAndWebhook.push(performance.now() - t);
    const outcome = (paid.json as { delivered?: { webhook?: { outcome?: string } }[] } | undefined)?.delivered?.[0]?.webhook?.outcome;
    if (paid.status === 200 && outcome === "settled") settled++;
    else failures.push(`authorize ${paid.status} ${outcome ?? paid.text.slice(0, 120)}`);
  });
  const seconds = (performance.now() - started) / 1000;
  const after = await pgTotals();
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const e2e = mean(total);
  const summary = {
    flows,
    concurrency,
    settled,
    failures: failures.slice(0, 5),
    failureCount: failures.length,
    bookingsPerSecond: Number((settled / seconds).toFixed(1)),
    endToEndMs: { p50: percentile(total, 0.5), p99: percentile(total, 0.99) },
    stepsMs: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, { p50: percentile(v, 0.5), p99: percentile(v, 0.99), shareOfEndToEnd: Number((mean(v) / e2e).toFixed(3)) }])),
    postgres:
      before && after && settled > 0
        ? {
            transactionsCommittedPerBooking: Number(((after.commits - before.commits) / settled).toFixed(1)),
            sqlExecutingMsPerBooking: Number(((after.activeMs - before.activeMs) / settled).toFixed(1)),
            shareOfEndToEnd: Number(((after.activeMs - before.activeMs) / settled / e2e).toFixed(3)),
            note: "time Postgres spent executing SQL for the whole flow (pg_stat_database.active_time, every statement of every step: the hold's catalog reads, the simulated provider's rows, the webhook's booking transaction), per booking, over the mean end-to-end time; the booking transaction itself runs in the authorizeAndWebhook step",
          }
        : "not measured (PGlite has no pg_stat_database)",
  };
  progress(`booking end to end: ${summary.bookingsPerSecond}/s settled (${settled}/${flows}), p50 ${summary.endToEndMs.p50} ms`);
  return summary;
}
