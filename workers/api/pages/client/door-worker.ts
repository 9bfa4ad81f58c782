/**
 * The door page's service worker (`/door/sw.js`, scope `/door/`): a door
 * device whose network drops can still reopen or reload the door page.
 * Door pages are fetched from the network first (they are the same for
 * every event and small) and from the cache when it does not answer in a
 * few seconds; page scripts have versioned URLs, so the cache serves them
 * first. API calls never come from this cache: the page keeps its own door
 * kit in IndexedDB and says when it is working offline.
 */
export const DOOR_CACHE = "edge-tickets-door-v1";

export const DOOR_WORKER_JS = String.raw`
const CACHE = ${JSON.stringify(DOOR_CACHE)};
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
  else if (request.mode === "navigate" && url.pathname.startsWith("/door/")) event.respondWith(fromNetworkOrCache(request));
});
`;
