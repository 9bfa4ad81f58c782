/**
 * Sections 1 to 3: the floor (workerd's own HTTP path, a trivial app route,
 * one Worker → Durable Object round trip), the stadium's seat map against
 * the classic query per view, and the 100-views-per-hold mix on both.
 */
import { gzipSync } from "node:zlib";
import type { ClassicServer } from "../classic";
import { call, cannon, jsonRequest, progress, ratio, type Figure } from "../load";
import type { RunningWorkerd } from "../workerd";

export interface Sizes {
  seconds: number;
  connections: number;
}

export async function limits(w: RunningWorkerd, sizes: Sizes) {
  const base = { duration: sizes.seconds, connections: sizes.connections };
  const noop = await cannon("workerd floor: probe Worker /noop", { ...base, url: `${w.probeUrl}/noop` });
  const trivial = await cannon("trivial app route (Hono 404 through every middleware)", { ...base, url: `${w.url}/api/bench-trivial-404` });
  const roundTrip = await cannon("Worker → SeatRoom RPC round trip (probe /room: watchers())", { ...base, url: `${w.probeUrl}/room?name=bench-probe` });
  const roundTrip50 = await cannon("  the same at 50 connections", { duration: sizes.seconds, connections: 50, url: `${w.probeUrl}/room?name=bench-probe` });
  return {
    notes: {
      workerdFloor: "a benchmark-only probe Worker in the same workerd answering 'ok' (no app)",
      trivialRoute: "GET /api/bench-trivial-404: the app's full middleware chain and its problem+json 404, no I/O",
      roundTrip: "probe Worker → SeatRoom (same class namespace as the app's SEAT_ROOM) → watchers(), an RPC that touches no storage",
    },
    workerdFloor: noop,
    trivialRoute: trivial,
    workerToDurableObject: roundTrip,
    workerToDurableObjectAt50: roundTrip50,
  };
}

/** Count of each status character in a snapshot. */
export function statusCounts(statuses: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const ch of statuses) counts[ch] = (counts[ch] ?? 0) + 1;
  return counts;
}

export async function snapshotOf(url: string, eventId: string): Promise<string> {
  const res = await call(`${url}/api/events/${eventId}/seats`, "GET");
  if (res.status !== 200) throw new Error(`seat map: ${res.status} ${res.text.slice(0, 200)}`);
  return (res.json as { statuses: string }).statuses;
}

export async function seatMap(w: RunningWorkerd, classic: ClassicServer, eventId: string, floor: { trivial: Figure; roundTrip: Figure }, sizes: Sizes) {
  const ours = await call(`${w.url}/api/events/${eventId}/seats`, "GET");
  const theirs = await call(`${classic.url}/seats/${eventId}`, "GET");
  const oursStatuses = (ours.json as { statuses: string }).statuses;
  const same = (theirs.json as { statuses: string } | undefined)?.statuses === oursStatuses;
  const base = { duration: sizes.seconds, connections: sizes.connections };
  const room = await cannon("seat map from the SeatRoom", { ...base, url: `${w.url}/api/events/${eventId}/seats` });
  const classicFigure = await cannon("seat map, classic (query of every row per view)", { ...base, url: `${classic.url}/seats/${eventId}` });
  // The edge-cached read of the same page: the event's static detail (venue, seat map geometry, prices) from the Cache API.
  const detail = await call(`${w.url}/api/events/${eventId}`, "GET");
  const again = await fetch(`${w.url}/api/events/${eventId}`);
  const cacheState = again.headers.get("x-cache");
  await again.arrayBuffer();
  const detailFigure = await cannon(`event detail, edge-cached (x-cache: ${cacheState})`, { ...base, url: `${w.url}/api/events/${eventId}` });
  return {
    seats: oursStatuses.length,
    statusCounts: statusCounts(oursStatuses),
    classicEncodesTheSame: same,
    bytes: { raw: Buffer.byteLength(ours.text), gzip: gzipSync(ours.text).length, classicRaw: Buffer.byteLength(theirs.text), classicGzip: gzipSync(theirs.text).length },
    edgeCached: {
      seatMap: "not cached: GET /api/events/:id/seats is live state, answered with cache-control: no-store and never put in the Cache API (workers/api/routes/seats.ts)",
      eventDetail: { route: "GET /api/events/:id (the page's static part, CACHE_TTL_SECONDS=30)", xCache: cacheState, bytes: { raw: Buffer.byteLength(detail.text), gzip: gzipSync(detail.text).length }, ...detailFigure },
    },
    ours: room,
    classic: classicFigure,
    oursOverClassic: ratio(room.perSecond, classicFigure.perSecond),
    oursOverTrivialRoute: ratio(room.perSecond, floor.trivial.perSecond),
    oursOverRoundTrip: ratio(room.perSecond, floor.roundTrip.perSecond),
  };
}

/** Seats that appear in more than one successful hold. */
export function doubles(holds: number[][]): number {
  const seen = new Map<number, number>();
  for (const seats of holds) for (const s of seats) seen.set(s, (seen.get(s) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}

/**
 * 100 seat-map views per hold, sustained, on one connection pool: every
 * 101st request is a hold of 2 random seats, each hold by another fan.
 */
export async function mix(
  label: string,
  target: { url: string; view: string; hold: (seats: number[], fan: number) => { path: string; body: unknown; headers: Record<string, string> }; seatsOf: (body: string) => number[] },
  seatCount: number,
  fans: number,
  sizes: Sizes,
) {
  let k = 0;
  const holds: number[][] = [];
  let holdAnswers = 0;
  let conflicts = 0;
  const f = await cannon(label, {
    url: target.url,
    duration: sizes.seconds,
    connections: sizes.connections,
    requests: [
      {
        setupRequest: (request, context) => {
          const i = k++;
          if (i % 101 !== 0) {
            context.hold = false;
            return { ...request, method: "GET", path: target.view, body: undefined, headers: {} };
          }
          const first = Math.floor(Math.random() * (seatCount - 1));
          const h = target.hold([first, first + 1], Math.floor(i / 101) % fans);
          context.hold = true;
          return jsonRequest(request, "POST", h.path, h.body, h.headers);
        },
        onResponse: (status, body, context) => {
          if (!context.hold) return;
          holdAnswers++;
          if (status === 201) holds.push(target.seatsOf(body));
          else if (status === 409) conflicts++;
        },
      },
    ],
  });
  const holdsPerSecond = Number((holds.length / f.seconds).toFixed(1));
  progress(`  ${holds.length} holds (${conflicts} lost a race), ${doubles(holds)} seats held twice`);
  return { ...f, holdsAnswered: holdAnswers, holdsMade: holds.length, holdsPerSecond, lostRaces: conflicts, seatsHeldTwice: doubles(holds), heldSeats: holds.flat() };
}
