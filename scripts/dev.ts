/**
 * `npm run dev`: the whole system on one machine with no accounts or keys.
 *
 * Starts the embedded Postgres (PGlite, files in DATA_DIR, default .data/)
 * unless DATABASE_URL names another one, the WebSocket proxy the Neon
 * driver needs to reach a local server, applies migrations, seeds demo data
 * into an empty catalog, and runs `wrangler dev` on PORT (default 8787).
 * Ctrl-C stops everything.
 */
import { mkdir } from "node:fs/promises";
import { DATA_DIR, EMBEDDED_DB_DIR } from "./local/config";
import { applyMigrations, openDatabase } from "./local/database";
import { startWorker } from "./local/worker";
import { seed } from "./seed";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`PORT must be a TCP port number, not ${process.env.PORT}`);
  process.exit(2);
}

await mkdir(DATA_DIR, { recursive: true });
const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: EMBEDDED_DB_DIR });
console.log(database.embedded ? `embedded Postgres: ${EMBEDDED_DB_DIR}` : "Postgres: DATABASE_URL");
await applyMigrations(database);
await seed(database);

// Passed through from this shell when set, so e.g. a short hold TTL can be tried by hand.
const PASS_THROUGH = ["HOLD_TTL_SECONDS", "HOLD_GRACE_SECONDS", "CACHE_TTL_SECONDS", "QUEUE_SECRET", "TOKEN_MAX_AGE_SECONDS", "SIGN_IN_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"];
const vars: Record<string, string> = {};
for (const name of PASS_THROUGH) {
  const value = process.env[name];
  if (value) vars[name] = value;
}
const worker = await startWorker({ database, port, stateDir: DATA_DIR, vars });
console.log(`\n  Edge Tickets: ${worker.url}  (Ctrl-C stops everything)\n`);

// `wrangler dev` runs no cron triggers: the mail outbox's sweep (every 5 minutes
// in production) is triggered from here, so mail queued before a restart, which
// the local queue forgets, still goes out.
const SWEEP_EVERY_MS = 5 * 60_000;
const sweepOutbox = () => fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch(() => undefined);
void sweepOutbox();
const sweeper = setInterval(sweepOutbox, SWEEP_EVERY_MS);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(sweeper);
  await worker.stop();
  await database.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
worker.process.on("exit", (code) => void stop(code ?? 0));
