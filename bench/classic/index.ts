/**
 * Starts the classic design's server (`server.ts`) as a child process over
 * the benchmark's Postgres, and creates its table from an event's seats.
 */
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { adopt } from "../scratch";
import { freePort } from "../workerd";

export interface ClassicServer {
  url: string;
  pid: number;
  workers: number;
  poolSize: number;
  /** Whether `/reserve-redis` works (Redis answered at 127.0.0.1:6379). */
  redis: boolean;
  stop(): Promise<void>;
}

const TSX = path.resolve(import.meta.dirname, "../../node_modules/tsx/dist/cli.mjs");

/** The classic design's table: one row per ticket; the primary key serves both the conditional UPDATE and the per-event scan. */
export async function createClassicTables(pgUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS classic_tickets (
        event_id text NOT NULL,
        seat_index integer NOT NULL,
        status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'held', 'sold')),
        hold_id text,
        held_until timestamptz,
        PRIMARY KEY (event_id, seat_index)
      );
      CREATE INDEX IF NOT EXISTS classic_tickets_held_until ON classic_tickets (held_until) WHERE status = 'held';
      CREATE INDEX IF NOT EXISTS classic_tickets_hold ON classic_tickets (hold_id) WHERE hold_id IS NOT NULL;`);
  } finally {
    await client.end();
  }
}

/** The event's seats as classic rows; `statuses` (a SeatRoom snapshot) marks which are held or sold already. */
export async function copyEventToClassic(pgUrl: string, eventId: string, statuses: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query("DELETE FROM classic_tickets WHERE event_id = $1", [eventId]);
    const indexesOf = (code: string) => [...statuses].flatMap((ch, i) => (ch === code ? [i] : []));
    await client.query("INSERT INTO classic_tickets (event_id, seat_index) SELECT $1, i FROM generate_series(0, $2::int - 1) AS i", [eventId, statuses.length]);
    await client.query(
      "UPDATE classic_tickets SET status = 'held', hold_id = 'seeded', held_until = now() + interval '1 hour' WHERE event_id = $1 AND seat_index = ANY($2::int[])",
      [eventId, [...statuses].flatMap((ch, i) => (ch !== "0" && ch !== "2" ? [i] : []))],
    );
    await client.query("UPDATE classic_tickets SET status = 'sold' WHERE event_id = $1 AND seat_index = ANY($2::int[])", [eventId, indexesOf("2")]);
    await client.query("ANALYZE classic_tickets");
  } finally {
    await client.end();
  }
}

/** Seats held twice in the classic table is impossible by the row; this counts held rows of an event. */
export async function classicHeldCount(pgUrl: string, eventId: string): Promise<number> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const r = await client.query("SELECT count(*)::int AS n FROM classic_tickets WHERE event_id = $1 AND status = 'held' AND hold_id <> 'seeded'", [eventId]);
    return (r.rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
}

function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: 6379 });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.write("PING\r\n");
      socket.once("data", (d) => (socket.destroy(), resolve(d.toString().startsWith("+PONG"))));
    });
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });
}

/** Flushes the classic design's Redis keys (ours only: `classic:*`). */
export async function clearClassicRedis(): Promise<void> {
  if (!(await redisAnswers())) return;
  const { createClient } = await import("redis");
  const client = createClient({ url: "redis://127.0.0.1:6379" });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: "classic:*", COUNT: 1000 })) if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}

export async function startClassic(options: { pgUrl: string; workers?: number; poolSize?: number; embedded?: boolean }): Promise<ClassicServer> {
  const workers = options.workers ?? Number(process.env.BENCH_CLASSIC_WORKERS ?? 2);
  // PGlite is one session: one connection, however many workers.
  const poolSize = options.embedded ? workers : (options.poolSize ?? 16);
  const redis = await redisAnswers();
  const port = await freePort();
  const child = spawn(process.execPath, [TSX, path.join(import.meta.dirname, "server.ts")], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      CLASSIC_DATABASE_URL: options.pgUrl,
      CLASSIC_REDIS_URL: redis ? "redis://127.0.0.1:6379" : "",
      CLASSIC_WORKERS: String(workers),
      CLASSIC_POOL: String(poolSize),
      CLASSIC_PORT: String(port),
    },
  });
  const forget = adopt(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
    forget();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`the classic server exited (${code})`)));
      setTimeout(() => reject(new Error("the classic server did not start")), 30_000);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, workers, poolSize, redis, stop };
}
