/**
 * Stand-ins for the bindings that only Cloudflare (in production) or
 * Miniflare (under `wrangler dev`) provide, for a Worker run on raw workerd.
 * They are built the way Miniflare builds its rate limiter: a *wrapped
 * binding* whose module is an internal extension module, so a call stays in
 * the Worker's isolate (no extra hop a real binding would not have).
 * Each answers like the real API and does nothing else:
 *
 * - rate limit: `limit()` is always `{ success: true }` (the benchmark lifts
 *   the limits anyway with RATE_LIMITS=off);
 * - queue producer: `send()` / `sendBatch()` accept and count, no consumer
 *   runs (mail is not part of any measured path);
 * - Workflow: `create()` / `createBatch()` accept, `get()` answers "queued";
 * - send_email: `send()` accepts;
 * - Analytics Engine: `writeDataPoint()` accepts.
 *
 * Also here: the Cache API service (`cacheApiOutbound`), an in-memory cache
 * of one isolate that speaks the protocol workerd uses towards it (GET to
 * match, PUT with the serialized response to store, PURGE to delete), after
 * Miniflare's cache worker but without its SQLite; and the probe Worker, the
 * benchmark's own floor: `/noop` (workerd's HTTP path, no app) and `/room`
 * (one RPC into a SeatRoom: `watchers()`, which touches no storage).
 */

export type StandInKind = "ratelimit" | "queue" | "workflow" | "send_email" | "analytics_engine";

/** Module name of each stand-in, as the config names it. */
export const STAND_IN_MODULE: Record<StandInKind, string> = {
  ratelimit: "bench-stand-in:ratelimit",
  queue: "bench-stand-in:queue",
  workflow: "bench-stand-in:workflow",
  send_email: "bench-stand-in:send-email",
  analytics_engine: "bench-stand-in:analytics-engine",
};

export const STAND_IN_SOURCE: Record<StandInKind, string> = {
  ratelimit: `
class RateLimit {
  constructor(env) { this.name = env.name; }
  async limit(options) {
    if (typeof options !== "object" || options === null) throw new Error("invalid rate limit options");
    return { success: true };
  }
}
export default function (env) { return new RateLimit(env); }
`,
  queue: `
let sent = 0;
class Queue {
  constructor(env) { this.queue = env.queue; }
  async send(body, options) { sent++; }
  async sendBatch(messages, options) { sent += [...messages].length; }
  get sentSoFar() { return sent; }
}
export default function (env) { return new Queue(env); }
`,
  workflow: `
class Instance {
  constructor(id) { this.id = id; }
  async status() { return { status: "queued" }; }
  async pause() {}
  async resume() {}
  async terminate() {}
  async restart() {}
  async sendEvent() {}
}
class Workflow {
  constructor(env) { this.name = env.name; }
  async create(options) { return new Instance(options?.id ?? crypto.randomUUID()); }
  async createBatch(batch) { return batch.map((o) => new Instance(o?.id ?? crypto.randomUUID())); }
  async get(id) { return new Instance(id); }
}
export default function (env) { return new Workflow(env); }
`,
  send_email: `
class SendEmail {
  async send(message) { return { messageId: crypto.randomUUID() }; }
}
export default function () { return new SendEmail(); }
`,
  analytics_engine: `
class Dataset {
  writeDataPoint(point) {}
}
export default function () { return new Dataset(); }
`,
};

export const CACHE_SERVICE_SOURCE = `
const entries = new Map();
let bytes = 0;
const MAX_BYTES = 256 * 1024 * 1024;

function ttlSeconds(cacheControl) {
  const cc = (cacheControl || "").toLowerCase();
  if (/no-store|private/.test(cc)) return 0;
  const s = /s-maxage=(\\d+)/.exec(cc) || /max-age=(\\d+)/.exec(cc);
  return s ? Number(s[1]) : 0;
}

function parseResponse(buffer) {
  const text = new TextDecoder("latin1").decode(buffer.subarray(0, Math.min(buffer.length, 65536)));
  const end = text.indexOf("\\r\\n\\r\\n");
  if (end < 0) throw new Error("no header end in the cached response");
  const [statusLine, ...lines] = text.slice(0, end).split("\\r\\n");
  const status = Number(/^HTTP\\/\\d(?:\\.\\d)? (\\d+)/.exec(statusLine)[1]);
  const headers = lines.map((l) => { const i = l.indexOf(":"); return [l.slice(0, i), l.slice(i + 1).trim()]; });
  return { status, headers, body: buffer.slice(end + 4) };
}

export default {
  async fetch(request) {
    const key = request.url;
    if (request.method === "GET") {
      const hit = entries.get(key);
      if (!hit || hit.expires <= Date.now()) {
        if (hit) { entries.delete(key); bytes -= hit.body.byteLength; }
        return new Response(null, { status: 504, headers: { "cf-cache-status": "MISS" } });
      }
      const headers = new Headers(hit.headers);
      headers.set("cf-cache-status", "HIT");
      return new Response(hit.body, { status: hit.status, headers });
    }
    if (request.method === "PUT") {
      const parsed = parseResponse(new Uint8Array(await request.arrayBuffer()));
      const headers = new Headers(parsed.headers);
      const ttl = ttlSeconds(headers.get("cache-control"));
      if (ttl <= 0 || headers.has("set-cookie")) return new Response(null, { status: 413 });
      const old = entries.get(key);
      if (old) bytes -= old.body.byteLength;
      while (bytes + parsed.body.byteLength > MAX_BYTES && entries.size > 0) {
        const [oldest, entry] = entries.entries().next().value;
        entries.delete(oldest); bytes -= entry.body.byteLength;
      }
      entries.set(key, { status: parsed.status, headers: [...headers], body: parsed.body, expires: Date.now() + ttl * 1000 });
      bytes += parsed.body.byteLength;
      return new Response(null, { status: 204 });
    }
    if (request.method === "PURGE") {
      const old = entries.get(key);
      if (!old) return new Response(null, { status: 404 });
      entries.delete(key); bytes -= old.body.byteLength;
      return new Response(null, { status: 200 });
    }
    return new Response(null, { status: 405 });
  },
};
`;

export const PROBE_SOURCE = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/noop") return new Response("ok");
    if (url.pathname === "/room") {
      const name = url.searchParams.get("name") || "bench-probe";
      const watchers = await env.SEAT_ROOM.getByName(name).watchers();
      return new Response(String(watchers));
    }
    return new Response("not found", { status: 404 });
  },
};
`;
