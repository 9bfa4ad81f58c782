/**
 * Edge caching of catalog reads (search results, the static part of event
 * pages) with the Workers Cache API.
 *
 * Keys carry a *catalog version*: any organizer write stores a new version,
 * so the next read misses and sees the change at once, with no list of keys
 * to purge. The version itself is an entry in the same data center's cache
 * (the Cache API does not replicate between data centers), so a change is
 * immediate where it was made and reaches other data centers when their
 * entries age out, within CACHE_TTL_SECONDS. If the version entry is evicted,
 * a fresh one is minted, which can only cause misses, never stale hits.
 * `docs/architecture.md` discusses the trade-off.
 */
import type { Context, TypedResponse } from "hono";
import type { AppEnv } from "./env";

const ORIGIN = "https://edge-cache.internal";
const VERSION_KEY = `${ORIGIN}/catalog-version`;
const VERSION_TTL_SECONDS = 7 * 24 * 3600;
const DEFAULT_TTL_SECONDS = 30;

export function cacheTtl(c: Context<AppEnv>): number {
  const ttl = Number(c.env.CACHE_TTL_SECONDS);
  return Number.isFinite(ttl) && ttl >= 0 ? ttl : DEFAULT_TTL_SECONDS;
}

async function catalogVersion(): Promise<string> {
  const cache = caches.default;
  const hit = await cache.match(VERSION_KEY);
  if (hit) return hit.text();
  return storeCatalogVersion();
}

async function storeCatalogVersion(): Promise<string> {
  const version = `${Date.now().toString(36)}${crypto.randomUUID().slice(0, 8)}`;
  await caches.default.put(
    VERSION_KEY,
    new Response(version, { headers: { "cache-control": `public, max-age=${VERSION_TTL_SECONDS}` } }),
  );
  return version;
}

/** Called after every catalog write, before the response, so the next read misses. */
export async function invalidateCatalog(): Promise<void> {
  await storeCatalogVersion();
}

/**
 * The JSON text of `produce()`, from the edge cache when it can; otherwise
 * produced, stored for CACHE_TTL_SECONDS and returned.
 */
export async function cachedText(c: Context<AppEnv>, key: string, produce: () => Promise<unknown>): Promise<{ body: string; hit: boolean }> {
  const ttl = cacheTtl(c);
  const cacheKey = `${ORIGIN}/${key}${key.includes("?") ? "&" : "?"}v=${await catalogVersion()}`;
  const cache = caches.default;
  const hit = ttl > 0 ? await cache.match(cacheKey) : undefined;
  if (hit) return { body: await hit.text(), hit: true };
  const body = JSON.stringify(await produce());
  if (ttl > 0) {
    const stored = new Response(body, {
      headers: { "content-type": "application/json", "cache-control": `public, max-age=${ttl}` },
    });
    c.executionCtx.waitUntil(cache.put(cacheKey, stored));
  }
  return { body, hit: false };
}

/** A JSON answer built from a cached body. `X-Cache` says whether the edge had it. */
export function jsonFromCache<T>(body: string, hit: boolean): TypedResponse<T, 200, "json"> {
  // Browsers and intermediaries must revalidate: the edge cache is the one
  // that knows when the catalog changed.
  const response = new Response(body, {
    headers: { "content-type": "application/json", "cache-control": "no-cache", "x-cache": hit ? "HIT" : "MISS" },
  });
  // The body is the JSON of a T (produced by the caller's typed producer);
  // the cast tells the typed router so.
  return response as unknown as TypedResponse<T, 200, "json">;
}

/** Answers with the cached JSON of `produce()` (search results, say). */
export async function cachedJson<T>(c: Context<AppEnv>, key: string, produce: () => Promise<T>): Promise<TypedResponse<T, 200, "json">> {
  const { body, hit } = await cachedText(c, key, produce);
  return jsonFromCache<T>(body, hit);
}

/** Adds live fields to the JSON text of a cached object without parsing it (a stadium's detail is megabytes). */
export function withLiveFields(objectJson: string, fields: Record<string, unknown>): string {
  const extra = JSON.stringify(fields);
  return extra === "{}" ? objectJson : `${objectJson.slice(0, -1)},${extra.slice(1)}`;
}
