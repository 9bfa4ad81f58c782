/**
 * The benchmark's Postgres: the real server at 127.0.0.1:5432 (user
 * postgres, trust auth) when one answers, in a fresh database made for this
 * run and dropped after it (named with our pid, so two runs on a shared
 * machine never share one); otherwise the embedded PGlite, kept in the run's
 * folder. Either way behind the local WebSocket proxy, as under
 * `wrangler dev`, with the migrations applied. BENCH_DATABASE=embedded
 * forces PGlite.
 */
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { applyMigrations, openDatabase, type LocalDatabase } from "../scripts/local/database";
import { onInterrupt, runDir } from "./scratch";

export interface BenchDatabase {
  local: LocalDatabase;
  kind: "postgres" | "embedded (PGlite)";
  version: string;
  /** A plain `pg` URL for Node-side tools (the classic server, checks), or undefined for PGlite. */
  pgUrl: string | undefined;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const PORT = 5432;

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: HOST, port: PORT, user: "postgres", database: "postgres" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE !== "embedded" && (await answers(HOST, PORT))) {
    const name = `edge_tickets_bench_${process.pid}`;
    const version = await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${name}`);
      return ((await c.query("select version() as v")).rows[0] as { v: string }).v;
    });
    const drop = () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
    const forget = onInterrupt(drop);
    const pgUrl = `postgres://postgres@${HOST}:${PORT}/${name}`;
    const local = await openDatabase({ url: pgUrl });
    await applyMigrations(local);
    return {
      local,
      kind: "postgres",
      version,
      pgUrl,
      async stop() {
        await local.stop();
        await drop().catch((error: unknown) => process.stderr.write(`bench: could not drop ${name}: ${String(error)}\n`));
        forget();
      },
    };
  }
  const local = await openDatabase({ dataDir: path.join(runDir(), "pg") });
  await applyMigrations(local);
  const pool = new pg.Pool({ connectionString: local.url, max: 1 });
  const version = await pool
    .query("select version() as v")
    .then((r) => (r.rows[0] as { v: string }).v)
    .catch(() => "PGlite")
    .finally(() => pool.end());
  return { local, kind: "embedded (PGlite)", version, pgUrl: local.url, stop: () => local.stop() };
}
