/**
 * `npm run bench:cancel`: how long cancelling an event takes to refund its
 * bookings on this machine (issue #10), against the real local stack
 * (wrangler dev + workerd running the cancellation Workflow, the Neon
 * driver, embedded Postgres or DATABASE_URL, the simulated payment
 * provider).
 *
 * It fills a stadium event with BENCH_BOOKINGS bookings (default 50,000; one
 * ticket each, paid and captured at the simulated provider) by SQL, as the
 * booking path would have left them, then cancels the event through the
 * API as its organizer and polls `GET /api/events/:id/cancellation` until the
 * job is done, printing progress. Every booking must end refunded with its
 * payment's money returned; the time and rate go to
 * bench/results/cancellation.json. BENCH_PORT (default 8792).
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startBenchStack } from "./stack";

const BOOKINGS = Math.max(1, Number(process.env.BENCH_BOOKINGS ?? 50_000));
const PORT = Number(process.env.BENCH_PORT ?? 8792);
const POLL_MS = 5_000;

async function main(): Promise<void> {
  console.log(`cancellation bench: ${BOOKINGS} bookings`);
  const stack = await startBenchStack({ venue: "stadium", port: PORT, vars: { RATE_LIMITS: "off" } });
  try {
    const { pool, event } = stack;
    if (BOOKINGS > event.ticketCount) throw new Error(`a stadium has ${event.ticketCount} seats; BENCH_BOOKINGS must not exceed it`);
    const filled = Date.now();
    await fill(pool, event.id, BOOKINGS);
    console.log(`filled ${BOOKINGS} bookings in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

    const base = stack.worker.url;
    const token = (await (await post(`${base}/api/dev/token`, { userId: "bench-organizer", roles: ["organizer"], org: "demo" })).json()) as { token: string };
    const headers = { authorization: `Bearer ${token.token}` };
    const started = Date.now();
    const cancel = await post(`${base}/api/events/${event.id}/cancel`, { reason: "benchmark" }, headers);
    if (cancel.status !== 202) throw new Error(`cancel answered ${cancel.status}: ${await cancel.text()}`);
    let progress = { status: "cancelling", bookings: 0, refunded: 0, failed: 0 };
    while (progress.status !== "done") {
      await sleep(POLL_MS);
      const res = await fetch(`${base}/api/events/${event.id}/cancellation`, { headers });
      progress = (await res.json()) as typeof progress;
      const seconds = (Date.now() - started) / 1000;
      console.log(`${seconds.toFixed(0)} s: ${progress.refunded}/${progress.bookings} refunded, ${progress.failed} failed (${(progress.refunded / seconds).toFixed(0)}/s)`);
    }
    const seconds = (Date.now() - started) / 1000;
    const check = await pool.query<{ refunded: number; returned: number }>(
      `select (select count(*)::int from bookings where event_id = $1 and status = 'refunded') as refunded,
              (select count(*)::int from simulated_payment_intents where metadata->>'eventId' = $1 and amount_refunded = amount_received) as returned`,
      [event.id],
    );
    const row = check.rows[0];
    if (row?.refunded !== BOOKINGS || row.returned !== BOOKINGS) throw new Error(`expected ${BOOKINGS} refunded bookings and payments, found ${JSON.stringify(row)}`);
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      workerd: workerdVersion(),
      database: stack.database.embedded ? "embedded (PGlite)" : "PostgreSQL server (DATABASE_URL)",
      payments: "simulated provider (Postgres)",
      bookings: BOOKINGS,
      seconds: Math.round(seconds),
      bookingsPerSecond: Math.round(BOOKINGS / seconds),
      failed: progress.failed,
    };
    const file = path.join(import.meta.dirname, "results", "cancellation.json");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`done: ${BOOKINGS} bookings refunded in ${seconds.toFixed(0)} s (${result.bookingsPerSecond}/s); ${file}`);
  } finally {
    await stack.stop();
  }
}

/** N one-ticket bookings of seats 0..N-1, each paid and captured, written as the booking path writes them. */
async function fill(pool: Awaited<ReturnType<typeof startBenchStack>>["pool"], eventId: string, n: number): Promise<void> {
  const hold = `'hd_' || substr($1, 4) || '_' || lpad(i::text, 12, '0')`;
  const intent = `'pi_sim_bench' || substr($1, 4) || lpad(i::text, 8, '0')`;
  const booking = `'bk_' || substr($1, 4, 6) || lpad(i::text, 10, '0')`;
  const seats = `generate_series(0, $2::int - 1) i join tickets t on t.event_id = $1 and t.seat_index = i`;
  await pool.query(
    `insert into simulated_payment_intents (id, amount, currency, status, capture_method, metadata, client_secret, amount_received)
     select ${intent}, t.price_cents, 'usd', 'succeeded', 'manual', jsonb_build_object('eventId', $1::text, 'holdId', ${hold}), ${intent} || '_secret', t.price_cents from ${seats}`,
    [eventId, n],
  );
  await pool.query(
    `insert into bookings (id, event_id, user_id, hold_id, payment_intent_id, status, amount_cents, currency)
     select ${booking}, $1, 'bench-fan-' || i, ${hold}, ${intent}, 'confirmed', t.price_cents, 'usd' from ${seats}`,
    [eventId, n],
  );
  await pool.query(
    `insert into booked_tickets (booking_id, event_id, seat_index, price_cents)
     select ${booking}, $1, i, t.price_cents from ${seats}`,
    [eventId, n],
  );
  await pool.query(`insert into hold_claims (hold_id, event_id, outcome, payment_intent_id) select ${hold}, $1, 'booked', ${intent} from generate_series(0, $2::int - 1) i`, [eventId, n]);
  await pool.query("update events set sold_count = $2 where id = $1", [eventId, n]);
}

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

function workerdVersion(): string {
  try {
    return execFileSync(path.join("node_modules", ".bin", "workerd"), ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

await main();
