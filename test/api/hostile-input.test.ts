/**
 * Hostile input (issue #9). The battery walks every operation of the served
 * OpenAPI document with requests that fast-check builds from its schemas
 * (test/hostile-requests.ts), signed in as an organizer, as a fan, or not at
 * all, and asserts for each answer: never a 5xx, every error is
 * problem+json, and nothing is written to Postgres.
 *
 * "Nothing is written" is a fingerprint of every row a battery request could
 * write: rows that carry the battery's mark, and every row of the test's own
 * fixtures. Not whole-table counts, because other suites write to the same
 * database at the same time.
 *
 * A failure prints the request and fast-check's seed and path; the seed is
 * fixed, so a run is repeatable (fixture ids aside).
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ID_PATTERN, HOLD_ID_PATTERN, TICKET_ID_PATTERN } from "../../src/shared/ids";
import { app } from "../../workers/api/app";
import { signToken } from "../../workers/api/auth";
import { query } from "../booking-helpers";
import { call, json, makeEvent, problem, tokenFor, word } from "../helpers";
import { describeRequest, HostileRequests, operationsOf, type AuthKind, type HostileRequest, type OpenApiDocument } from "../hostile-requests";

const SEED = 20_269;
/** Runs with hostile values in one place of a request (each parameter, header, the auth)… */
const RUNS_PER_PLACE = 8;
/** …more in the body, the richest place, and with hostile values everywhere at once. */
const RUNS: Record<string, number> = { body: 24, everywhere: 10 };
/** Every valid free-text value and every battery user carries it. */
const MARK = `fz${word(8)}`;

const doc = await json<OpenApiDocument>(await call("GET", "/api/openapi.json"), 200);
const operations = operationsOf(doc).map((op) => ({ ...op, label: `${op.method} ${op.path}` }));

interface Fixture {
  eventId: string;
  venueId: string;
  performerId: string;
  tokens: Record<AuthKind, string | undefined>;
}

async function fixture(): Promise<Fixture> {
  const organizer = await tokenFor(`${MARK}-organizer-${word(4)}`, ["organizer", "fan"]);
  const { id: eventId } = await makeEvent(organizer);
  const [event] = await query<{ venue_id: string; performer_id: string }>("select venue_id, performer_id from events where id = $1", [eventId]);
  return {
    eventId,
    venueId: event?.venue_id ?? "",
    performerId: event?.performer_id ?? "",
    tokens: {
      organizer,
      fan: await tokenFor(`${MARK}-fan-${word(4)}`, ["fan"]),
      none: undefined,
      garbage: "x.y.z",
      expired: await signToken(env, { id: `${MARK}-late`, roles: ["organizer"] }, -60),
      "hostile subject": await tokenFor(`${MARK}\u0000`, ["organizer"]),
    },
  };
}

/** Values for the id patterns: mostly the fixture's own ids (so requests reach real rows and rooms), some random. */
function idsFor(f: Fixture) {
  return (pattern: string, name: string): fc.Arbitrary<string> | undefined => {
    const random = fc.stringMatching(new RegExp(pattern));
    if (pattern === ID_PATTERN.source) {
      const own = name === "venueId" ? f.venueId : name === "performerId" ? f.performerId : f.eventId;
      return fc.oneof({ arbitrary: fc.constant(own), weight: 4 }, { arbitrary: random, weight: 1 });
    }
    if (pattern === TICKET_ID_PATTERN.source) return fc.oneof(fc.integer({ min: 0, max: 20 }).map((seat) => `${f.eventId}.${seat}`), random);
    if (pattern === HOLD_ID_PATTERN.source) return fc.oneof(fc.stringMatching(/^[0-9a-z]{12}$/).map((tail) => `hd_${f.eventId.slice(3)}_${tail}`), random);
    return undefined;
  };
}

/** Every row a battery request could have written, counted; the fixture's rows, hashed. */
async function fingerprint(f: Fixture): Promise<Record<string, unknown>> {
  const [row] = await query(
    `select
      (select count(*) from venues where name like $1 or city like $1 or country like $1) as venues,
      (select count(*) from performers where name like $1 or genre like $1 or bio like $1) as performers,
      (select count(*) from events where name like $1 or description like $1) as events,
      (select md5(string_agg(t::text, '|' order by t::text)) from (
        select e::text as t from events e where id = $2
        union all select v::text from venues v where id = $3
        union all select p::text from performers p where id = $4) fixture) as fixture_rows,
      (select md5(string_agg(t::text, '|' order by seat_index)) from tickets t where event_id = $2) as fixture_tickets,
      (select count(*) from tickets where event_id in (select id from events where name like $1)) as tickets,
      (select count(*) from bookings where event_id = $2 or user_id like $5) as bookings,
      (select count(*) from booked_tickets where event_id = $2) as booked_tickets,
      (select count(*) from hold_claims where event_id = $2) as hold_claims,
      (select count(*) from simulated_payment_intents where metadata->>'eventId' = $2 or metadata->>'userId' like $5) as payment_intents,
      (select count(*) from simulated_payment_events where payment_intent_id in (
        select id from simulated_payment_intents where metadata->>'eventId' = $2 or metadata->>'userId' like $5)) as payment_events,
      -- No suite sets an outage for every event ('*'), so that row is the battery's to watch too.
      (select count(*) from simulated_provider_outages where scope in ($2, $3, $4, '*')) as outages`,
    [`%${MARK}%`, f.eventId, f.venueId, f.performerId, `${MARK}%`],
  );
  return row ?? {};
}

async function send(request: HostileRequest, f: Fixture): Promise<Response> {
  const headers = new Headers(request.headers);
  const token = f.tokens[request.auth];
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (request.contentType !== null) headers.set("content-type", request.contentType);
  // A body without a content type must be bytes: a string body would be given text/plain.
  const body = request.body === null ? null : request.contentType === null ? new TextEncoder().encode(request.body) : request.body;
  return app.fetch(new Request(`http://tickets.test${request.url}`, { method: request.method, headers, body, redirect: "manual" }), env, createExecutionContext());
}

/** Never a 5xx; an error is problem+json with type, title, status and detail; a body never writes. */
async function expectHandled(response: Response, request: HostileRequest, takesBody: boolean): Promise<void> {
  const type = response.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    await response.body?.cancel();
    expect(response.status, describeRequest(request)).toBe(200);
    return;
  }
  const text = await response.text();
  const context = `${describeRequest(request)}\n  → ${response.status} ${type} ${text.slice(0, 300)}`;
  expect(response.status, context).toBeLessThan(500);
  if (takesBody) expect(response.status, `an invalid body was accepted: ${context}`).toBeGreaterThanOrEqual(400);
  if (response.status < 400) return;
  expect(type, context).toBe("application/problem+json");
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body, context).toMatchObject({ type: expect.any(String), title: expect.any(String), status: response.status, detail: expect.any(String) });
  expect(String(body.detail).length, context).toBeGreaterThan(0);
}

describe("hostile requests to every operation of the OpenAPI document", () => {
  it("walks every operation", () => {
    expect(operations.length).toBeGreaterThan(25);
  });

  it.each(operations)("$label: never a 5xx, every error is problem+json, nothing is written", async (operation) => {
    const f = await fixture();
    const hostile = new HostileRequests(doc, { mark: MARK, idsFor: idsFor(f) });
    const before = await fingerprint(f);
    for (const { place, requests } of hostile.of(operation)) {
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          await expectHandled(await send(request, f), request, operation.body !== undefined);
        }),
        { seed: SEED, numRuns: RUNS[place] ?? RUNS_PER_PLACE, endOnFailure: true },
      );
    }
    expect(await fingerprint(f)).toEqual(before);
  });
});

describe("hostile text is refused at the door", () => {
  it("a NUL in a search term is a 400 that names the parameter, not a 500 from Postgres", async () => {
    const body = await problem(await call("GET", "/api/search?term=stadium%00"), 400);
    expect(body.detail).toContain("term");
  });

  it("a NUL in the search page's term or location is a 400 too, not a 500 (pages are behind the same door)", async () => {
    await problem(await call("GET", "/?term=a%00b"), 400);
    await problem(await call("GET", "/?location=a%00b"), 400);
  });

  it("an unpaired surrogate in a performer's name is a 400, not a name silently changed", async () => {
    const organizer = await tokenFor(`${MARK}-organizer`, ["organizer"]);
    const body = await problem(await call("POST", "/api/performers", { token: organizer, body: `{"name":"${MARK} \\ud800"}` }), 400);
    expect(body.detail).toContain("surrogate");
  });

  it("a key given twice is a 400, whichever value would have won", async () => {
    const organizer = await tokenFor(`${MARK}-organizer`, ["organizer"]);
    const body = await problem(await call("POST", "/api/performers", { token: organizer, body: `{"name":"${MARK} a","name":"${MARK} b"}` }), 400);
    expect(body.detail).toContain("twice");
  });

  it("a percent-encoding that is not UTF-8 is a 400 in the path and in the query", async () => {
    await problem(await call("GET", "/api/events/%E0%A4%A"), 400);
    await problem(await call("GET", "/api/search?location=%ED%A0%80"), 400);
  });

  it("a NUL deep inside a body names its field", async () => {
    const organizer = await tokenFor(`${MARK}-organizer`, ["organizer"]);
    const venue = { name: MARK, city: MARK, country: "GB", lat: 1, lng: 1, sections: [{ name: "Floor" }, { name: "Stalls\u0000", capacity: 3 }] };
    const body = await problem(await call("POST", "/api/venues", { token: organizer, body: venue }), 400);
    expect(body.detail).toContain("sections.1.name");
  });
});
