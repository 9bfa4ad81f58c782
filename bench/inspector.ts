/**
 * The Worker's V8 heap, read through the DevTools inspector that wrangler dev
 * exposes. wrangler picks port 9229 or, when that is taken, any free port, so
 * the port is found from the listening sockets of wrangler's workerd
 * processes: wrangler's inspector proxy answers /json/version with
 * "wrangler/…" and has one target, the Worker's isolate (which in workerd
 * also runs the Worker's Durable Objects); the runtime's own inspector says
 * "workerd" and lists one target per isolate, and is read only to report
 * what it has. The heap is read after a forced full GC, so it counts live
 * objects, not garbage.
 */
import { readFile, readdir, readlink } from "node:fs/promises";
import WebSocket from "ws";
import { workerds } from "./process-memory";

export interface InspectorTarget {
  id: string;
  title?: string;
  webSocketDebuggerUrl?: string;
}

/** What `Runtime.getHeapUsage` answers, in bytes. */
export interface HeapUsage {
  usedSize: number;
  totalSize: number;
  embedderHeapUsedSize?: number;
  /** ArrayBuffer backing stores outside the V8 heap (stream chunks, say). */
  backingStorageSize?: number;
}

/** The TCP ports `pid` listens on: its socket descriptors matched against /proc/net/tcp{,6}. */
async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const row of (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)) {
      const cols = row.trim().split(/\s+/);
      // local_address rem_address st … inode: st 0A is LISTEN.
      if (cols[3] === "0A" && inodes.has(cols[9] ?? "")) ports.push(parseInt(cols[1]?.split(":")[1] ?? "", 16));
    }
  }
  return ports;
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The inspectors below wrangler (`root`, its pid; `publicPort`, the Worker's
 * port, is not one): its inspector proxy and the runtime's own, the latter
 * only to list what it has.
 */
export async function findInspectors(root: number, publicPort: number) {
  let proxy: { port: number; version: string; targets: InspectorTarget[] } | undefined;
  let runtime: { port: number; targets: string[] } | undefined;
  for (const w of await workerds(root, publicPort)) {
    for (const port of await listeningPorts(w.pid)) {
      if (port === publicPort) continue;
      const version = await getJson<{ Browser?: string }>(`http://127.0.0.1:${port}/json/version`);
      const targets = (await getJson<InspectorTarget[]>(`http://127.0.0.1:${port}/json/list`)) ?? [];
      if (version?.Browser?.startsWith("wrangler/")) proxy = { port, version: version.Browser, targets };
      else if (version?.Browser === "workerd") runtime = { port, targets: targets.map((t) => t.id) };
    }
  }
  return { proxy, runtime };
}

/** A DevTools protocol session over a WebSocket, reopened when it drops. */
export class Inspector {
  private socket: WebSocket | undefined;
  private next = 0;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor(private readonly url: string) {}

  private async open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(this.url);
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const call = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (!call || message.id === undefined) return; // an event
      this.waiting.delete(message.id);
      if (message.error) call.reject(new Error(message.error.message));
      else call.resolve(message.result);
    });
    socket.on("close", () => {
      for (const call of this.waiting.values()) call.reject(new Error("inspector connection closed"));
      this.waiting.clear();
    });
    socket.on("error", () => {});
    this.socket = socket;
    return socket;
  }

  async send<T>(method: string, params: object = {}, timeoutMs = 30_000): Promise<T> {
    const socket = await this.open();
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket?.close();
  }
}

/**
 * The isolate's heap after a full GC. The inspector's GC runs as a task of
 * the isolate, which workerd runs when the isolate is next entered: `poke`
 * (a cheap request to the Worker) is sent every 100 ms until it answers.
 */
export async function heapAfterGc(inspector: Inspector, poke: () => Promise<unknown>): Promise<HeapUsage> {
  const pokes = setInterval(() => void poke().catch(() => {}), 100);
  try {
    await inspector.send("HeapProfiler.collectGarbage");
    return await inspector.send<HeapUsage>("Runtime.getHeapUsage");
  } finally {
    clearInterval(pokes);
  }
}
