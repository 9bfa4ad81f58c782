/**
 * Server-Sent Events from a room to the client. `Content-Encoding: identity`
 * keeps local dev from buffering; a room that cannot be reached is a 200
 * that ends with a `retry:` hint, never a 5xx (EventSource gives up for good
 * on a non-2xx answer, and reconnects after a stream that ends or breaks).
 */
import type { Context } from "hono";
import type { AppEnv } from "./env";
import { Problem } from "./problem";
import { clientAddress } from "./rate-limits";

const encoder = new TextEncoder();
export const RETRY_LATER = encoder.encode("retry: 2000\n\n");

/**
 * A room's stream, passed through untouched (natively: no JavaScript per
 * chunk, and a client who goes away cancels the room's stream directly). If
 * the room goes away mid-stream the response breaks off, and EventSource
 * reconnects (with Last-Event-ID) after the `retry` the room sent first.
 */
export function sseResponse(body: ReadableStream<Uint8Array> | null): Response {
  return new Response(body ?? RETRY_LATER, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "content-encoding": "identity",
      "x-accel-buffering": "no",
    },
  });
}

/** A stream that only says "come back later". */
export function retryLater(): Response {
  return sseResponse(null);
}

/**
 * Who opens a stream, for the room's caps: the client address, and the user
 * when the request is signed in (a room counts only what it is told; the
 * API has verified the user).
 */
export function streamOwner(c: Context<AppEnv>, userId?: string): Record<string, string> {
  const address = clientAddress(c.req);
  return { ...(address !== null ? { "x-client-address": address } : {}), ...(userId !== undefined ? { "x-user-id": userId } : {}) };
}

/** A room refused the stream (past a cap): a 429 problem. */
export async function refuseOverCap(upstream: Response): Promise<void> {
  if (upstream.status !== 429) return;
  const { detail } = (await upstream.json()) as { detail: string };
  throw new Problem(429, detail, {}, { "retry-after": "30" });
}
