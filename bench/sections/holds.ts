/**
 * Sections 4 and 5: hold storms (one event at 50 and 200 fans, several
 * events at once) and the race (10,000 attempts from 1,000 fans over 1,000
 * seats) on our design and on the classic one.
 */
import { ticketId } from "../../src/shared/ids";
import { cannon, jsonRequest, progress, ratio, type Figure } from "../load";
import { doubles } from "./reads";

/** Holds `seats` in groups of `perHold`, one fan per hold, `concurrency` at once (the scattered holds of the seat map). */
export async function scatterHolds(url: string, eventId: string, seats: number[], perHold: number, tokens: string[]): Promise<number> {
  let held = 0;
  const groups: number[][] = [];
  for (let i = 0; i < seats.length; i += perHold) groups.push(seats.slice(i, i + perHold));
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < groups.length) {
        const i = next++;
        const res = await fetch(`${url}/api/booking/reserve`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens[i % tokens.length]}` },
          body: JSON.stringify({ ticketIds: (groups[i] ?? []).map((s) => ticketId(eventId, s)) }),
        });
        await res.arrayBuffer();
        if (res.status === 201) held += groups[i]?.length ?? 0;
      }
    }),
  );
  return held;
}

export interface StormResult extends Figure {
  holds: number;
  holdsPerSecond: number;
}

/** `connections` fans at once, each request a hold of one fresh seat by another fan (`tokens` has one per request). */
export async function storm(label: string, url: string, eventId: string, connections: number, amount: number, tokens: string[]): Promise<StormResult> {
  let k = 0;
  let holds = 0;
  const f = await cannon(label, {
    url,
    amount,
    connections,
    requests: [
      {
        setupRequest: (request) => {
          const i = k++;
          return jsonRequest(request, "POST", "/api/booking/reserve", { ticketIds: [ticketId(eventId, i)] }, { authorization: `Bearer ${tokens[i % tokens.length]}` });
        },
        onResponse: (status) => {
          if (status === 201) holds++;
        },
      },
    ],
  });
  return { ...f, holds, holdsPerSecond: Math.round(holds / f.seconds) };
}

/** `multiSeconds`: wall time of the four storms run at once (each one's own rate is over its own duration). */
export function stormSummary(single50: StormResult, single200: StormResult, multi: StormResult[], multiSeconds: number, roundTrip50: Figure) {
  const multiTotal = Math.round(multi.reduce((s, r) => s + r.holds, 0) / multiSeconds);
  return {
    oneEvent50Fans: single50,
    oneEvent200Fans: single200,
    fourEvents50FansEach: multi,
    fourEventsTotalHoldsPerSecond: multiTotal,
    fourEventsOverOneEvent: ratio(multiTotal, single50.holdsPerSecond),
    holdsOverRoundTrip50: ratio(single50.holdsPerSecond, roundTrip50.perSecond),
    targets: {
      "holds/s ≥ 60% of the bare round trip (50 connections)": (ratio(single50.holdsPerSecond, roundTrip50.perSecond) ?? 0) >= 0.6,
      "p99 ≤ 50 ms at 50 fans": single50.p99 <= 50,
    },
  };
}

/**
 * The race: `attempts` single-seat holds from `fans` connections over
 * `seats` seats. Every attempt is another fan (`hold` gets the attempt's
 * number); pass p over the seats (attempts p·fans to (p+1)·fans − 1) tries
 * every seat once, shifted by 37·p, so each seat is tried attempts/seats times.
 */
export async function race(
  label: string,
  target: { url: string; hold: (seat: number, fan: number) => { path: string; body: unknown; headers: Record<string, string> }; seatsOf: (body: string) => number[] },
  seats: number,
  fans: number,
  attempts: number,
) {
  let k = 0;
  const won: number[][] = [];
  let soldOutMs: number | undefined;
  const started = performance.now();
  const f = await cannon(label, {
    url: target.url,
    amount: attempts,
    connections: fans,
    requests: [
      {
        setupRequest: (request) => {
          const i = k++;
          const pass = Math.floor(i / fans);
          const seat = ((i % fans) + pass * 37) % seats;
          const h = target.hold(seat, i);
          return jsonRequest(request, "POST", h.path, h.body, h.headers);
        },
        onResponse: (status, body) => {
          if (status !== 201) return;
          won.push(target.seatsOf(body));
          if (won.length === seats) soldOutMs = performance.now() - started;
        },
      },
    ],
  });
  const held = new Set(won.flat()).size;
  const twice = doubles(won);
  progress(`  ${held} of ${seats} seats held, ${twice} held twice, sold out ${soldOutMs === undefined ? "never" : `in ${Math.round(soldOutMs)} ms`}`);
  return { ...f, attempts: f.requests, successfulHolds: won.length, seatsHeld: held, seatsHeldTwice: twice, exactlyAllHeld: held === seats && won.length === seats, soldOutMs: soldOutMs === undefined ? null : Math.round(soldOutMs) };
}
