/**
 * Keeps a page for a reload without network: registers the offline pages'
 * service worker (service-workers/offline-pages.ts, served at workerPath,
 * whose folder is its scope) and puts the page and its script into the cache
 * that worker serves from. The page does the caching itself because its
 * first load happens before the worker runs.
 */
import { OFFLINE_CACHE } from "./cache-name";

export function keepPage(workerPath: string): void {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register(workerPath, { scope: workerPath.slice(0, workerPath.lastIndexOf("/") + 1) }).catch(() => {});
  if ("caches" in window) {
    const urls = [location.pathname, ...Array.from(document.scripts, (s) => s.src).filter(Boolean)];
    caches
      .open(OFFLINE_CACHE)
      .then((cache) => cache.addAll(urls))
      .catch(() => {});
  }
}
