/**
 * A small key-value store in IndexedDB for what must outlive the page and
 * the network. The fan's tickets page keeps its holder key there (a
 * CryptoKey whose private half cannot be exported: IndexedDB stores it as it
 * is, localStorage could not), and the door page its door kit and the scans
 * it has not uploaded yet (a kit lists every admitted and void ticket of an
 * event, more than localStorage's few megabytes). Values are structured
 * clones. The layout (database "edge-tickets", version 1, one object store
 * "kv" with out-of-line keys) is what devices already hold: keep it.
 */
const NAME = "edge-tickets";
const STORE = "kv";

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  if (!opening) {
    opening = new Promise<IDBDatabase>((resolve, reject) => {
      if (!("indexedDB" in window)) {
        reject(new Error("this browser has no IndexedDB"));
        return;
      }
      const request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("the local store could not be opened"));
      request.onblocked = () => reject(new Error("the local store is blocked by another tab"));
    });
    // A failed open is tried again next time (the tab that blocked it may be gone).
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

/** One request in its own transaction; settles when the transaction does (so a write is on disk when it resolves). */
async function run<T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = operation(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error ?? new Error("the local store failed"));
    tx.onabort = () => reject(tx.error ?? new Error("the local store refused the write"));
  });
}

/**
 * The value kept under `key`, or undefined. `T` is what this page stored
 * there itself (IndexedDB gives back the structured clone, unchecked).
 */
export function get<T>(key: string): Promise<T | undefined> {
  return run("readonly", (store) => store.get(key) as IDBRequest<T | undefined>);
}

export async function set(key: string, value: unknown): Promise<void> {
  await run("readwrite", (store) => store.put(value, key));
}
