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
 * it is working offline. The page puts itself and its script in the cache
 * (offline/keep-page.ts), since its first load happens before the worker runs.
 *
 * Type-checked with the browser code, whose config has the DOM library, not
 * the WebWorker one (the two cannot share a program): the few service worker
 * types this script uses are declared below.
 */
import { OFFLINE_CACHE } from "../offline/cache-name";

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

interface ServiceWorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly clients: { claim(): Promise<void> };
  readonly location: { readonly origin: string };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as ServiceWorkerScope;
const SCOPE = new URL(worker.registration.scope).pathname;

worker.addEventListener("install", () => void worker.skipWaiting());
worker.addEventListener("activate", (event) => event.waitUntil(worker.clients.claim()));

/** The network's answer if it comes within 4 s, else the cached page (else the network's answer, however late). */
async function fromNetworkOrCache(request: Request): Promise<Response> {
  const cache = await caches.open(OFFLINE_CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) void cache.put(request, response.clone());
    return response;
  });
  network.catch(() => {});
  const late = new Promise<null>((resolve) => setTimeout(resolve, 4000, null));
  try {
    const first = await Promise.race([network, late]);
    if (first) return first;
  } catch {
    // Offline: the cache answers.
  }
  // A fan page varies by language (Vary: Accept-Language, Cookie); offline, the fan's own last copy is the one to show.
  const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  return cached ?? network;
}

async function fromCacheOrNetwork(request: Request): Promise<Response> {
  const cache = await caches.open(OFFLINE_CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) void cache.put(request, response.clone());
  return response;
}

worker.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== worker.location.origin) return;
  if (url.pathname.startsWith("/assets/")) event.respondWith(fromCacheOrNetwork(request));
  else if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) event.respondWith(fromNetworkOrCache(request));
});
