/**
 * `npx tsx scripts/local/read-path-origin-bench.ts <before-tree> <after-tree>`:
 * search at the origin (edge cache off) through two builds of the Worker
 * under `wrangler dev`, side by side on one database and one local proxy
 * (this tree's, which answers both the WebSocket and the HTTP path), the
 * two taking turns in slices of `--slice` seconds (docs/database-reads.md).
 * A tree is a checkout with `node_modules` (a symlink will do), such as
 * `git archive <commit>` extracted. Uses BENCH_DATABASE_URL (default: the
 * local PostgreSQL database `readpath_bench`, made by read-path-bench.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openDatabase } from "./database";
import { waitUntilReady } from "./worker";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { slices: { type: "string", default: "4" }, slice: { type: "string", default: "5" }, connections: { type: "string", default: "4" } },
});
const [beforeTree, afterTree] = positionals;
if (!beforeTree || !afterTree) {
  console.error("usage: read-path-origin-bench.ts <before-tree> <after-tree>");
  process.exit(2);
}

const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/readpath_bench";
const database = await openDatabase({ url });
const children: ChildProcess[] = [];

async function worker(tree: string, port: number): Promise<string> {
  const state = await mkdtemp(path.join(os.tmpdir(), "read-path-"));
  const envFile = path.join(state, "worker.env");
  const vars = {
    DATABASE_URL: url,
    NEON_LOCAL_PROXY: database.proxy ?? "",
    JWT_SECRET: "bench-only-secret-0123456789abcdef",
    CACHE_TTL_SECONDS: "0",
    RATE_LIMITS: "off",
  };
  await writeFile(envFile, Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("\n"), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [path.join(tree, "node_modules/wrangler/bin/wrangler.js"), "dev", "--port", String(port), "--ip", "127.0.0.1", "--env-file", envFile, "--persist-to", path.join(state, "wrangler"), "--show-interactive-dev-session=false", "--log-level", "error"],
    { cwd: tree, stdio: "ignore", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
  );
  children.push(child);
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilReady(origin);
  return origin;
}

interface Tally {
  requests: number;
  seconds: number;
  errors: number;
  latencies: number[];
}

async function slice(origin: string, tally: Tally, seconds: number): Promise<void> {
  const result = await autocannon({
    url: `${origin}/api/search?term=rock`,
    connections: Number(values.connections),
    duration: seconds,
  });
  tally.requests += result.requests.total;
  tally.seconds += seconds;
  tally.errors += result.non2xx + result.errors;
  tally.latencies.push(result.latency.p50);
}

try {
  const origins = { before: await worker(beforeTree, 8801), after: await worker(afterTree, 8802) };
  const tallies: Record<string, Tally> = {};
  for (const name of Object.keys(origins)) tallies[name] = { requests: 0, seconds: 0, errors: 0, latencies: [] };
  // Warm up both (isolates, the proxy's connections).
  for (const origin of Object.values(origins)) await slice(origin, { requests: 0, seconds: 0, errors: 0, latencies: [] }, 2);
  for (let i = 0; i < Number(values.slices); i++) {
    for (const [name, origin] of Object.entries(origins)) {
      const tally = tallies[name];
      if (tally) await slice(origin, tally, Number(values.slice));
    }
  }
  console.log(`search at the origin, ${values.connections} clients, ${values.slices} × ${values.slice} s each, taking turns`);
  for (const [name, t] of Object.entries(tallies)) {
    const p50 = [...t.latencies].sort((a, b) => a - b)[Math.floor(t.latencies.length / 2)] ?? NaN;
    console.log(`| ${name} | ${(t.requests / t.seconds).toFixed(0)}/s | p50 ${p50} ms (median of slices) | ${t.errors} errors |`);
  }
} finally {
  for (const child of children) child.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await database.stop();
}
