/**
 * Attacks on the HTTP read path (docs/database-reads.md): hostile input on
 * the reads that go over SQL over HTTP, an unreachable database, an
 * organizer reading back what they just wrote, and the local endpoint
 * (scripts/local/sql-over-http.ts) fed hostile requests directly.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openSession } from "../../src/shared/database";
import { smallEvent } from "../booking-helpers";
import { call, callWith, json, word } from "../helpers";

/** Reads at the origin (edge cache off), so every read reaches the database. */
const AT_ORIGIN = { CACHE_TTL_SECONDS: "0" };
const UNREACHABLE = { ...AT_ORIGIN, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };

async function sqlEndpoint(body: string, connectionString: string): Promise<{ status: number; body: { message?: string; code?: string } }> {
  const res = await fetch(`http://${env.NEON_LOCAL_PROXY}/sql`, {
    method: "POST",
    headers: { "neon-connection-string": connectionString, "neon-raw-text-output": "true", "neon-array-mode": "true", "content-type": "application/json" },
    body,
  });
  return { status: res.status, body: await res.json<{ message?: string; code?: string }>() };
}

describe("reads over HTTP given hostile input", () => {
  it("answer hostile event ids, ticket queries and search terms with 4xx, never 5xx", async () => {
    const event = await smallEvent();
    const paths = [
      `/api/events/${encodeURIComponent("ev_'; select pg_sleep(1); --")}`,
      `/api/events/${encodeURIComponent("\u0000")}`,
      `/api/events/${"ev_" + "x".repeat(5000)}`,
      `/api/events/${encodeURIComponent("ev_😀")}`,
      `/api/events/${event.id}/tickets?cursor=999999`,
      `/api/events/${event.id}/tickets?section=${encodeURIComponent("\u0000")}`,
      `/api/events/${event.id}/tickets?section=${encodeURIComponent("' or 1=1 --")}`,
      `/api/events/${event.id}/tickets?limit=0`,
      `/api/events/${event.id}/tickets?limit=1e3`,
      `/api/events/${event.id}/tickets?status=${encodeURIComponent("held' --")}`,
      `/api/search?term=${encodeURIComponent("\u0000")}`,
      `/api/search?term=${encodeURIComponent("a".repeat(10_000))}`,
      "/api/search?term=%ED%A0%80",
      "/api/search?term=%FF%FE",
      "/api/events/%FF%FE",
      `/api/events/${event.id}/tickets?section=%ED%A0%80`,
    ];
    for (const path of paths) {
      const res = await callWith(AT_ORIGIN, "GET", path);
      await res.body?.cancel();
      expect(res.status, path).toBeLessThan(500);
    }
  });
});

describe("reads over HTTP when the database cannot be reached", () => {
  it("event detail, its tickets and search are 503 problems with Retry-After, never 500", async () => {
    const event = await smallEvent();
    for (const path of [`/api/events/${event.id}`, `/api/events/${event.id}/tickets`, `/api/search?term=${word()}`]) {
      const res = await callWith(UNREACHABLE, "GET", path);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("content-type"), path).toContain("application/problem+json");
      expect(res.headers.get("retry-after"), path).toBeTruthy();
      const body = await res.json<{ detail: string }>();
      expect(body.detail).not.toMatch(/postgres:|127\.0\.0\.1|password/i);
    }
  });

  it("the seat snapshot and stream of a known event still answer (the room decides)", async () => {
    const event = await smallEvent();
    const seats = await callWith(UNREACHABLE, "GET", `/api/events/${event.id}/seats`);
    expect(seats.status).toBe(200);
    const stream = await callWith(UNREACHABLE, "GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": "203.0.113.5" } });
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });
});

describe("an organizer reads back what they wrote", () => {
  it("the event's detail and search show an edit at once, with the edge cache on", async () => {
    const event = await smallEvent();
    const before = await json<{ name: string }>(await call("GET", `/api/events/${event.id}`), 200);
    // Warm the edge cache with the old text.
    expect((await call("GET", `/api/events/${event.id}`)).headers.get("x-cache")).toBe("HIT");
    const name = `Renamed ${word(8)}`;
    const res = await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { name } });
    expect(res.status).toBe(200);
    const after = await json<{ name: string }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(after.name).not.toBe(before.name);
    expect(after.name).toBe(name);
    const term = name.split(" ")[1] ?? "";
    const found = await json<{ results: { id: string }[] }>(await call("GET", `/api/search?term=${term}`), 200);
    expect(found.results.map((r) => r.id)).toContain(event.id);
  });
});

describe("turn-taking on the embedded database", () => {
  it("a read over HTTP while another session's transaction is open waits for it, then sees its commit", async () => {
    const writer = openSession(env);
    const reader = openSession(env);
    const name = `Turns ${word(8)}`;
    try {
      const event = await smallEvent();
      let read: Promise<unknown> | undefined;
      await writer.db().transaction(async (tx) => {
        await tx.execute(sql`update events set name = ${name} where id = ${event.id}`);
        // Issued while the transaction holds its turn (on PGlite) or its row lock (on a server).
        read = reader.read().execute(sql`select name from events where id = ${event.id}`);
      });
      const after = await reader.read().execute(sql`select name from events where id = ${event.id}`);
      expect(after.rows).toEqual([{ name }]);
      expect(read).toBeDefined();
      await read;
    } finally {
      await Promise.all([writer.end(), reader.end()]);
    }
  });
});

describe("the local SQL-over-HTTP endpoint", () => {
  const loopback = env.DATABASE_URL;

  it("serves only loopback databases, whatever the connection string's query says", async () => {
    const target = new URL(loopback);
    // pg reads `host` from the query string over the URL's host.
    target.searchParams.set("host", "db.example.invalid");
    const answer = await sqlEndpoint(JSON.stringify({ query: "select 1", params: [] }), target.toString());
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe("only loopback Postgres addresses are served");
    const remote = await sqlEndpoint(JSON.stringify({ query: "select 1", params: [] }), "postgres://u:p@db.example.invalid:5432/x");
    expect(remote.body.message).toBe("only loopback Postgres addresses are served");
  });

  it("answers bodies that are not a statement with 400, not 500", async () => {
    for (const body of ["null", "5", '"select 1"', "[]", '{"query": 5}', '{"query": "select $1", "params": "x"}', '{"queries": [null]}', '{"queries": {}}', "{"]) {
      const answer = await sqlEndpoint(body, loopback);
      expect(answer.status, body).toBe(400);
    }
  });

  it("runs one statement per query, even when it is stacked", async () => {
    const answer = await sqlEndpoint(JSON.stringify({ query: "select 1; select 2", params: [] }), loopback);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("42601");
  });
});
