/**
 * Load and helpers the sections share: autocannon runs (bounded by
 * `duration` or `amount`, summarized the same way for every figure), fan
 * tokens, and small JSON requests.
 */
import autocannon, { type Options, type RequestShape, type Result } from "autocannon";
import { SignJWT } from "jose";

export interface Figure {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Requests with no answer (autocannon's errors, timeouts among them). */
  errors: number;
  timeouts: number;
  seconds: number;
}

export function progress(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

export function figure(result: Result): Figure {
  return {
    requests: result.requests.total,
    perSecond: Math.round(result.requests.total / Math.max(result.duration, 0.001)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: Number(result.duration.toFixed(2)),
  };
}

/** One autocannon run; `label` goes to the progress line. */
export async function cannon(label: string, options: Options): Promise<Figure & { errorSamples?: string[] }> {
  const instance = autocannon({ timeout: 30, ...options });
  const samples = new Map<string, number>();
  instance.on("reqError", (error: Error) => {
    const key = (error as { code?: string }).code ?? error.message;
    samples.set(key, (samples.get(key) ?? 0) + 1);
  });
  const f: Figure & { errorSamples?: string[] } = figure(await instance);
  if (samples.size > 0) f.errorSamples = [...samples].map(([k, n]) => `${k} × ${n}`);
  progress(`${label}: ${f.perSecond}/s, p50 ${f.p50} ms, p99 ${f.p99} ms (${f.requests} requests, ${f.non2xx} non-2xx, ${f.errors} errors of which ${f.timeouts} timeouts)`);
  return f;
}

/** A request for autocannon's `setupRequest`. */
export function jsonRequest(base: RequestShape, method: string, path: string, body: unknown, headers: Record<string, string> = {}): RequestShape {
  return { ...base, method, path, headers: { ...base.headers, "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

const JWT_SECRET = process.env.JWT_SECRET ?? "local-development-secret-not-for-production";

/** Fan tokens, signed with the Worker's key and the claims `/api/dev/token` gives (`signToken`), without a request each. */
export async function fanTokens(prefix: string, count: number, roles: string[] = ["fan"], org?: string): Promise<string[]> {
  const key = new TextEncoder().encode(JWT_SECRET);
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new SignJWT({ roles, ...(org ? { org } : {}), email: `${prefix}-${i}@example.test` })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(`${prefix}-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 12 * 3600)
        .sign(key),
    ),
  );
}

export async function call(url: string, method: string, body?: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Runs `work` for items with at most `concurrency` at once; returns the latencies (ms). */
export async function pooled<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        const t = performance.now();
        await work(items[i] as T, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1));
}

export const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(3)) : null);
