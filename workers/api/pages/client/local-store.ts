/**
 * A small key-value store in IndexedDB for page scripts (/assets/store.js,
 * `window.LocalStore`): what must outlive the page and the network. The
 * fan's tickets page keeps its holder key there (a CryptoKey whose private
 * half cannot be exported: IndexedDB stores it as it is, localStorage
 * could not), and the door page its door kit and the scans it has not
 * uploaded yet (a kit lists every admitted and void ticket of an event,
 * more than localStorage's few megabytes). Values are structured clones.
 * `keepPage` registers the offline pages' service worker (offline-pages.ts).
 */
import { OFFLINE_CACHE } from "./offline-pages";

export const LOCAL_STORE_JS = String.raw`
(() => {
  const NAME = "edge-tickets", STORE = "kv";
  let opening = null;
  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        if (!("indexedDB" in window)) { reject(new Error("this browser has no IndexedDB")); return; }
        const request = indexedDB.open(NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error("the local store is blocked by another tab"));
      });
      opening.catch(() => { opening = null; });
    }
    return opening;
  }
  async function run(mode, operation) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = operation(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("the local store refused the write"));
    });
  }
  /** Keeps this page and its scripts for a reload without network: its service worker (at workerPath, whose folder is its scope) serves them from the cache. */
  function keepPage(workerPath) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    navigator.serviceWorker.register(workerPath, { scope: workerPath.slice(0, workerPath.lastIndexOf("/") + 1) }).catch(() => {});
    if ("caches" in window) {
      const urls = [location.pathname, ...Array.from(document.scripts, (s) => s.src).filter(Boolean)];
      caches.open(${JSON.stringify(OFFLINE_CACHE)}).then((cache) => cache.addAll(urls)).catch(() => {});
    }
  }
  window.LocalStore = {
    get: (key) => run("readonly", (store) => store.get(key)),
    set: (key, value) => run("readwrite", (store) => store.put(value, key)),
    remove: (key) => run("readwrite", (store) => store.delete(key)),
    keepPage,
  };
})();
`;
