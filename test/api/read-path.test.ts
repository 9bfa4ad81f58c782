/**
 * The read path: single-statement reads go over Neon's SQL-over-HTTP path
 * (one round trip each), here answered by the local proxy's `/sql` exactly
 * as Neon's endpoint answers the driver. The edge cache is off in these
 * requests, so every read reaches Postgres (docs/database-reads.md).
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/shared/database";
import { callWith, json, makeEvent, organizerToken, problem, word } from "../helpers";

/** Bindings of a deployment whose edge cache is off: reads at the origin. */
const AT_ORIGIN = { CACHE_TTL_SECONDS: "0" };

interface ProxyStats {
  sqlOverHttp: number;
  webSockets: number;
}

async function proxyStats(): Promise<ProxyStats> {
  const res = await fetch(`http://${env.NEON_LOCAL_PROXY}/stats`);
  return res.json<ProxyStats>();
}

/** The SQLSTATE of a failed query, wherever Drizzle put the driver's error. */
async function sqlState(query: Promise<unknown>): Promise<string | undefined> {
  try {
    await query;
  } catch (error) {
    for (let e: unknown = error; e instanceof Error; e = e.cause) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === "string") return code;
    }
    return "no SQLSTATE";
  }
  return undefined;
}

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

describe("search at the origin", () => {
  it("reads over SQL over HTTP", async () => {
    const term = word();
    const event = await makeEvent(token, { name: `${term} recital` });
    const before = await proxyStats();
    const body = await json<{ results: { id: string; startsAt: string }[] }>(await callWith(AT_ORIGIN, "GET", `/api/search?term=${term}`), 200);
    expect(body.results.map((r) => r.id)).toEqual([event.id]);
    expect(body.results[0]?.startsAt).toBe("2027-06-01T19:30:00.000Z");
    expect((await proxyStats()).sqlOverHttp).toBeGreaterThan(before.sqlOverHttp);
  });

  it("answers hostile terms that reach Postgres with results or a 400, never a 5xx", async () => {
    const terms = ["'; drop table events; --", '"unbalanced', "-", "or", "\\", "%_", "<->", "a & b | !c", "foo:*", "$1", "😀".repeat(40), "(((", "a -b -\"c d\" or e"];
    for (const term of terms) {
      const res = await callWith(AT_ORIGIN, "GET", `/api/search?term=${encodeURIComponent(term)}`);
      await res.body?.cancel();
      expect(res.status, term).toBeLessThan(500);
    }
  });

  it("is a 503 problem, with a retry hint, when the database cannot be reached", async () => {
    const unreachable = { ...AT_ORIGIN, DATABASE_URL: "postgres://postgres:postgres@127.0.0.1:1/postgres" };
    const res = await callWith(unreachable, "GET", `/api/search?term=${word()}`);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await problem(res, 503)).detail).toBe("the database is unavailable, try again shortly");
  });
});

describe("the read handle", () => {
  it("reads every kind of value as the WebSocket path does", async () => {
    const session = openSession(env);
    try {
      const query = sql`
        select 1::int as i, 9007199254740993::bigint as big, 1.5::float8 as f, 12.340::numeric as n, true as b,
               ${"O'Brien \u00e9"}::text as t, '2027-06-01 19:30:00+00'::timestamptz as ts, '2027-06-01'::date as d,
               '{"a":[1,2],"b":null}'::jsonb as j, array['a', 'b c', null]::text[] as arr, null::int as nothing,
               '\\x0102ff'::bytea as bytes, interval '1 day 2 hours' as span, array[1, 2]::int[] as ints`;
      const overHttp = await session.read().execute(query);
      const overWebSocket = await session.db().execute(query);
      expect(overHttp.rows).toEqual(overWebSocket.rows);
      expect(overHttp.rows[0]).toMatchObject({ i: 1, f: 1.5, b: true, t: "O'Brien \u00e9", j: { a: [1, 2], b: null }, arr: ["a", "b c", null], nothing: null, ints: [1, 2] });
    } finally {
      await session.end();
    }
  });

  it("fails a statement Postgres refuses with its SQLSTATE, as the WebSocket path does", async () => {
    const session = openSession(env);
    try {
      expect(await sqlState(session.read().execute(sql`select 1 / ${0}::int`))).toBe("22012");
      expect(await sqlState(session.db().execute(sql`select 1 / ${0}::int`))).toBe("22012");
      expect(await sqlState(session.read().execute(sql`select * from no_such_table`))).toBe("42P01");
    } finally {
      await session.end();
    }
  });

  it("runs exactly one statement per request, as Neon's endpoint does", async () => {
    const session = openSession(env);
    try {
      expect(await sqlState(session.read().execute(sql.raw("select 1; select 2")))).toBe("42601");
    } finally {
      await session.end();
    }
  });

});
