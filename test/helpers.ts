/**
 * Helpers for API suites: requests through the Worker's real entry, tokens,
 * and catalog fixtures created through the organizer API itself. Names carry
 * a random word so suites sharing one database never see each other's data.
 */
import { abortAllDurableObjects, createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { app } from "../workers/api/app";
import { signToken } from "../workers/api/auth";

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

let dispatch = (request: Request): Promise<Response> => exports.default.fetch(request);

/**
 * Sends this file's requests to the Hono app directly, inside the same
 * workerd with the same bindings, instead of through the Worker's entry.
 * vitest-pool-workers 0.15 wraps the entry's prototype in one more Proxy for
 * every request it dispatches, so a file that sends thousands of requests
 * (the chaos suite) slows down quadratically and finally overflows the stack
 * (cloudflare/workers-sdk#15092, fixed upstream by #15106 in a release newer
 * than the one pinned here).
 */
export function dispatchToApp(): void {
  dispatch = async (request) => app.fetch(request, env, createExecutionContext());
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  return dispatch(request(method, path, options));
}

/** Like `call`, to the app with some bindings changed, as a deployment with those settings would run it. */
export async function callWith(change: Partial<Env>, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(request(method, path, options), { ...env, ...change }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * Open seat streams of an event, wherever they are served: the event's
 * relays (`SEAT_STREAM_RELAYS`), or the room itself when relays are off.
 */
export async function seatWatchers(eventId: string, relays = Number(env.SEAT_STREAM_RELAYS)): Promise<number> {
  if (!(relays > 0)) return env.SEAT_ROOM.getByName(eventId).watchers();
  const counts = await Promise.all(Array.from({ length: relays }, (_, shard) => env.SEAT_RELAY.getByName(`${eventId}/${shard}`).watchers()));
  return counts.reduce((sum, n) => sum + n, 0);
}

function request(method: string, path: string, options: CallOptions): Request {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  // A redirect is an answer to check, not to follow.
  return new Request(`http://tickets.test${path}`, { method, headers, body, redirect: "manual" });
}

export async function json<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

/** Asserts a problem+json answer with the status and returns its body. */
export async function problem(response: Response, status: number): Promise<{ status: number; detail: string; title: string }> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = await json<{ status: number; detail: string; title: string }>(response, status);
  expect(body.status).toBe(status);
  expect(body.detail.length).toBeGreaterThan(0);
  return body;
}

export const tokenFor = (id: string, roles: string[] = [], org?: string) => signToken(env, { id, roles, org: org ?? null });
export const organizerToken = () => tokenFor(`organizer-${word()}`, ["organizer"]);

/** A random lower-case word, unique enough to scope a search to one test. */
export function word(length = 10): string {
  const letters = "bcdfghjklmnpqrstvwxz";
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => letters[b % letters.length]).join("");
}

export interface VenueOptions {
  name?: string;
  city?: string;
  lat?: number;
  lng?: number;
  timezone?: string;
  sections?: unknown[];
}

export async function makeVenue(token: string, options: VenueOptions = {}): Promise<string> {
  const res = await call("POST", "/api/venues", {
    token,
    body: {
      name: options.name ?? `Hall ${word(6)}`,
      city: options.city ?? "London",
      country: "GB",
      lat: options.lat ?? 51.5074,
      lng: options.lng ?? -0.1278,
      timezone: options.timezone ?? "Europe/London",
      sections: options.sections ?? [
        { name: "Stalls", rows: [{ name: "A", seats: 4 }, { name: "B", seats: 4 }] },
        { name: "Floor", capacity: 5 },
      ],
    },
  });
  return (await json<{ id: string }>(res, 201)).id;
}

export async function makePerformer(token: string, name = `Band ${word(6)}`): Promise<string> {
  return (await json<{ id: string }>(await call("POST", "/api/performers", { token, body: { name } }), 201)).id;
}

export interface EventOptions {
  name?: string;
  description?: string;
  type?: string;
  startsAt?: string;
  venueId?: string;
  performerId?: string;
  prices?: { section: string; priceCents: number }[];
  onSaleAt?: string;
  perUserLimit?: number;
  currency?: string;
  fees?: { feeFixedCents: number; feePercentBp: number; taxRateBp: number };
  venue?: VenueOptions;
}

export async function makeEvent(token: string, options: EventOptions = {}): Promise<{ id: string; ticketCount: number }> {
  const venueId = options.venueId ?? (await makeVenue(token, options.venue));
  const performerId = options.performerId ?? (await makePerformer(token));
  const res = await call("POST", "/api/events", {
    token,
    body: {
      name: options.name ?? `Show ${word(6)}`,
      description: options.description,
      type: options.type ?? "concert",
      startsAt: options.startsAt ?? "2027-06-01T19:30:00Z",
      venueId,
      performerId,
      prices: options.prices ?? [
        { section: "Stalls", priceCents: 5000 },
        { section: "Floor", priceCents: 3000 },
      ],
      onSaleAt: options.onSaleAt,
      perUserLimit: options.perUserLimit,
      currency: options.currency,
      fees: options.fees,
    },
  });
  return json<{ id: string; ticketCount: number }>(res, 201);
}

export interface SearchBody {
  results: {
    id: string;
    name: string;
    type: string;
    startsAt: string;
    venue: { id: string; name: string; city: string; lat: number; lng: number };
    performer: { id: string; name: string };
    minPriceCents: number;
    available: number;
  }[];
  nextCursor: string | null;
}

export async function search(params: Record<string, string | number>): Promise<SearchBody> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return json<SearchBody>(await call("GET", `/api/search?${query}`), 200);
}

/**
 * Evicts one room (or every Durable Object), as a deploy or a crash would,
 * once the lines it logged have reached the test runner. vitest-pool-workers
 * 0.15 sends a Durable Object's console output to the runner from the
 * object's own context after the call that logged has returned; an object
 * aborted before that send never completes it, and the test file then never
 * finishes (cloudflare/workers-sdk#14180; upstream buffers such lines in the
 * runner since #14678, in a release newer than the one pinned here).
 */
export async function evictRooms(room?: DurableObjectStub): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (room) await runInDurableObject(room, (_instance, state) => state.abort("evicted")).catch(() => {});
  else await abortAllDurableObjects();
}

/**
 * Waits, when needed, so that the next `seconds` fall inside one rate-limit
 * window. The local rate-limiting binding (miniflare's ratelimit worker)
 * counts in fixed windows aligned to the clock (`floor(Date.now() / period)`)
 * and clears every count when a window turns, so a burst that straddles a
 * minute's turn is never limited. Tests that expect the request after the
 * limit to be refused call this first.
 */
export async function withinOneRateWindow(seconds: number, periodSeconds = 60): Promise<void> {
  const period = periodSeconds * 1000;
  const left = period - (Date.now() % period);
  if (left < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, left + 100));
}
