/**
 * `npm run dev`: the whole system on one machine with no accounts or keys.
 *
 * Starts the embedded Postgres (PGlite, files in DATA_DIR, default .data/)
 * unless DATABASE_URL names another one, the WebSocket proxy the Neon
 * driver needs to reach a local server, applies migrations, seeds demo data
 * into an empty catalog, and runs `wrangler dev` on PORT (default 8787).
 * Ctrl-C stops everything. Local values reach the Worker through an env file
 * in DATA_DIR (not the command line, where `ps` would show them).
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DATA_DIR, EMBEDDED_DB_DIR, PROJECT_ROOT } from "./local/config";
import { applyMigrations, openDatabase } from "./local/database";
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
const PASS_THROUGH = ["HOLD_TTL_SECONDS", "CACHE_TTL_SECONDS", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"];
const vars: Record<string, string> = {
  DATABASE_URL: database.url,
  NEON_LOCAL_PROXY: database.proxy ?? "",
  JWT_SECRET: process.env.JWT_SECRET ?? "local-development-secret-not-for-production",
  DEV_AUTH: "1",
};
for (const name of PASS_THROUGH) {
  const value = process.env[name];
  if (value) vars[name] = value;
}
const envFile = path.join(DATA_DIR, "worker.env");
await writeFile(
  envFile,
  Object.entries(vars)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join("\n"),
  { mode: 0o600 },
);

const wrangler = spawn(
  process.execPath,
  [
    path.join(PROJECT_ROOT, "node_modules/wrangler/bin/wrangler.js"),
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--env-file",
    envFile,
    "--persist-to",
    path.join(DATA_DIR, "wrangler"),
    "--show-interactive-dev-session=false",
  ],
  // No `Request.cf` download: it needs the internet and local dev has no use for it.
  { cwd: PROJECT_ROOT, stdio: "inherit", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
);
console.log(`\n  Edge Tickets: http://127.0.0.1:${port}  (Ctrl-C stops everything)\n`);

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  wrangler.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 300));
  await database.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 0));
