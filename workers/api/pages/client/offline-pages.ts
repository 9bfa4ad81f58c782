/**
 * The service worker of the pages that must open without network: the door
 * page (`/door/sw.js`, scope `/door/`) and the fan's tickets page
 * (`/me/sw.js`, scope `/me/`), one script served at both places. A door
 * device whose network drops, or a fan in a stadium with no signal, can
 * still reload the page. Pages of its scope are fetched from the network
 * first (they are shells, the same for everyone, and small) and from the
 * cache when it does not answer in a few seconds; page scripts have
 * versioned URLs, so the cache serves them first. API calls never come from
 * this cache: each page keeps its own data (door kit, passes) and says when
 * it is working offline. The page puts itself and its scripts in the cache
 * (`LocalStore.keepPage`, local-store.ts), since its first load happens
 * before the worker runs.
 */
export const OFFLINE_CACHE = "edge-tickets-offline-v1";

export const OFFLINE_PAGES_WORKER_JS = String.raw`
const CACHE = ${JSON.stringify(OFFLINE_CACHE)};
const SCOPE = new URL(self.registration.scope).pathname;
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function fromNetworkOrCache(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  network.catch(() => {});
  const late = new Promise((resolve) => setTimeout(resolve, 4000, null));
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
  } catch {}
  const cached = await cache.match(request, { ignoreSearch: true });
  return cached || network;
}

async function fromCacheOrNetwork(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  if (url.pathname.startsWith("/assets/")) event.respondWith(fromCacheOrNetwork(request));
  else if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) event.respondWith(fromNetworkOrCache(request));
});
`;
