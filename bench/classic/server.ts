/**
 * The classic design, as a fair peer: a Node HTTP server over the same
 * Postgres, seat state in a table, every decision a SQL statement.
 *
 * - `POST /reserve {eventId, seats[], userId}`: one transaction, one
 *   conditional UPDATE of the wanted rows that are free (available, or held
 *   past their time); all or nothing (fewer rows updated → rollback, 409).
 *   Row locks serialize racing holds; READ COMMITTED re-checks the WHERE on
 *   the locked row, so a seat is never held twice.
 * - `POST /reserve-redis`: the Redis variant: `SET seat NX PX` per seat (all
 *   or none: the ones taken are released with a compare-and-delete), then the
 *   same UPDATE so the seat map sees the hold.
 * - `GET /seats/:eventId`: one query of every ticket row per view, encoded as
 *   the SeatRoom's snapshot is (one status character per seat).
 *
 * Run by `index.ts` as its own process: node:cluster with CLASSIC_WORKERS
 * workers (default 2: both cores, which one workerd process does not use),
 * each with a `pg` Pool of CLASSIC_POOL / workers connections.
 */
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import http from "node:http";
import pg from "pg";
import { createClient } from "redis";

const WORKERS = Number(process.env.CLASSIC_WORKERS ?? 2);
const POOL = Number(process.env.CLASSIC_POOL ?? 16);
const PORT = Number(process.env.CLASSIC_PORT ?? 0);
const HOLD_MS = 10 * 60_000;

if (cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === WORKERS) process.send?.({ ready: true });
  });
  cluster.on("exit", (worker, code) => {
    if (code !== 0) process.stderr.write(`classic worker ${worker.process.pid} exited ${code}\n`);
  });
  process.on("SIGTERM", () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    process.exit(0);
  });
} else {
  await serve();
}

async function serve(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.CLASSIC_DATABASE_URL, max: Math.max(1, Math.floor(POOL / WORKERS)) });
  const redis = process.env.CLASSIC_REDIS_URL ? createClient({ url: process.env.CLASSIC_REDIS_URL }) : undefined;
  await redis?.connect();

  const reserve = async (eventId: string, seats: number[], holdId: string): Promise<boolean> => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const updated = await client.query(
        `UPDATE classic_tickets SET status = 'held', hold_id = $3, held_until = now() + interval '10 minutes'
         WHERE event_id = $1 AND seat_index = ANY($2::int[])
           AND (status = 'available' OR (status = 'held' AND held_until < now()))`,
        [eventId, seats, holdId],
      );
      if (updated.rowCount !== seats.length) {
        await client.query("ROLLBACK");
        return false;
      }
      await client.query("COMMIT");
      return true;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      // Two holds locking rows in different orders: Postgres ends one; it is a lost race, not a server error.
      if ((error as { code?: string }).code === "40P01") return false;
      throw error;
    } finally {
      client.release();
    }
  };

  const RELEASE_IF_MINE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  const reserveRedis = async (eventId: string, seats: number[], holdId: string): Promise<boolean> => {
    if (!redis) throw new Error("no Redis");
    const taken: string[] = [];
    for (const seat of seats) {
      const key = `classic:${eventId}:${seat}`;
      if ((await redis.set(key, holdId, { condition: "NX", expiration: { type: "PX", value: HOLD_MS } })) !== "OK") {
        for (const k of taken) await redis.eval(RELEASE_IF_MINE, { keys: [k], arguments: [holdId] });
        return false;
      }
      taken.push(key);
    }
    // The seat map reads Postgres: the hold is written there too.
    const written = await reserve(eventId, seats, holdId);
    if (!written) for (const k of taken) await redis.eval(RELEASE_IF_MINE, { keys: [k], arguments: [holdId] });
    return written;
  };

  const seatMap = async (eventId: string): Promise<string | undefined> => {
    const result = await pool.query<[number, string, Date | null]>({
      text: "SELECT seat_index, status, held_until FROM classic_tickets WHERE event_id = $1 ORDER BY seat_index",
      values: [eventId],
      rowMode: "array",
    });
    if (result.rows.length === 0) return undefined;
    const now = Date.now();
    const codes = new Array<string>(result.rows.length);
    for (const [i, [, status, heldUntil]] of result.rows.entries()) {
      codes[i] = status === "sold" ? "2" : status === "held" && heldUntil && heldUntil.getTime() > now ? "1" : "0";
    }
    return JSON.stringify({ eventId, seq: 0, statuses: codes.join("") });
  };

  const server = http.createServer(async (req, res) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(body);
    };
    try {
      const url = new URL(req.url ?? "/", "http://classic");
      if (req.method === "GET" && url.pathname.startsWith("/seats/")) {
        const body = await seatMap(decodeURIComponent(url.pathname.slice("/seats/".length)));
        return body ? reply(200, body) : reply(404, '{"detail":"no such event"}');
      }
      if (req.method === "POST" && (url.pathname === "/reserve" || url.pathname === "/reserve-redis")) {
        let text = "";
        for await (const chunk of req) text += String(chunk);
        const { eventId, seats, userId } = JSON.parse(text) as { eventId: string; seats: number[]; userId: string };
        if (!Array.isArray(seats) || seats.length === 0 || seats.length > 20 || !seats.every(Number.isInteger)) {
          return reply(400, '{"detail":"seats: 1 to 20 seat indexes"}');
        }
        const holdId = `${userId}:${randomUUID()}`;
        const held = url.pathname === "/reserve" ? await reserve(eventId, seats, holdId) : await reserveRedis(eventId, seats, holdId);
        return held ? reply(201, JSON.stringify({ holdId, eventId, seats })) : reply(409, '{"detail":"no longer available"}');
      }
      if (url.pathname === "/health") return reply(200, `{"ok":true,"redis":${redis ? "true" : "false"}}`);
      reply(404, '{"detail":"not found"}');
    } catch (error) {
      process.stderr.write(`classic: ${String(error)}\n`);
      reply(500, '{"detail":"internal error"}');
    }
  });
  server.keepAliveTimeout = 60_000;
  server.listen(PORT, "127.0.0.1");
}
