/**
 * Server-Sent Events from a room to the client. `Content-Encoding: identity`
 * keeps local dev from buffering; if the room goes away the stream ends with
 * a `retry:` hint and a 200, never a 5xx (EventSource gives up for good on a
 * non-2xx answer).
 */
import type { Context } from "hono";
import type { AppEnv } from "./env";
import { Problem } from "./problem";
import { clientAddress } from "./rate-limits";

const encoder = new TextEncoder();
export const RETRY_LATER = encoder.encode("retry: 2000\n\n");

export function sseResponse(body: ReadableStream<Uint8Array> | null): Response {
  return new Response(body, {
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
  return sseResponse(new Response(RETRY_LATER).body);
}

/**
 * Passes a room's stream through (natively, with pipeTo); if the room goes
 * away mid-stream, ends it with a retry hint instead of an error.
 */
export function endsCleanly(body: ReadableStream<Uint8Array> | null): ReadableStream<Uint8Array> {
  if (!body) return new Response(RETRY_LATER).body ?? new ReadableStream();
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  body
    .pipeTo(writable, { preventAbort: true, preventClose: true })
    .catch(async () => {
      const writer = writable.getWriter();
      await writer.write(RETRY_LATER).catch(() => {});
      writer.releaseLock();
    })
    .finally(() => writable.close().catch(() => {}))
    .catch(() => {});
  return readable;
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
