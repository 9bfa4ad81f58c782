/**
 * The workerd processes below wrangler dev and their resident memory, read
 * from /proc (Linux only). wrangler runs two: its proxy (dev only, on the
 * public port) and the runtime that runs the Worker. They are found afresh at
 * every reading, as wrangler restarts workerd when a source file changes; a
 * process is named by its pid and start time, so a later process that reuses
 * the pid is never taken for it (nor ended in its place).
 */
import { readFile, readdir } from "node:fs/promises";

/** One workerd process below wrangler: `proxy` is wrangler's own (dev only, on the public port), `runtime` runs the Worker. */
export interface Workerd {
  pid: number;
  /** When it started (clock ticks after boot): with the pid, names this process and no later one. */
  startedAt: string;
  role: "proxy" | "runtime";
  rssKb: number;
}

/** One reading of RSS in KB: all workerd, the runtime, wrangler's proxy. */
export interface RssReading {
  rssKb: number;
  runtimeKb: number;
  proxyKb: number;
}

/** The resident memory (VmRSS) of `pid`, in KB. */
export async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** `pid (comm) state ppid …` from /proc/<pid>/stat; undefined for a process that is gone. */
async function procStat(pid: number | string): Promise<{ name: string; ppid: number; startedAt: string } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // comm may hold spaces and parentheses.
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(" ");
  return { name: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(fields[1]), startedAt: fields[19] ?? "" };
}

/** Every workerd below `root` (wrangler's pid); the one whose command line names `publicPort` is wrangler's proxy. */
export async function workerds(root: number, publicPort: number): Promise<Workerd[]> {
  const stats = new Map<number, { name: string; ppid: number; startedAt: string }>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await procStat(entry);
    if (stat) stats.set(Number(entry), stat);
  }
  const below = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid) if (p === root) return true;
    return false;
  };
  const found: Workerd[] = [];
  for (const [pid, { name, startedAt }] of stats) {
    if (name !== "workerd" || !below(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    const role = cmdline.includes(`entry=127.0.0.1:${publicPort}`) ? "proxy" : "runtime";
    found.push({ pid, startedAt, role, rssKb: await rssKb(pid).catch(() => 0) });
  }
  return found;
}

/**
 * Reads the summed RSS of wrangler's workerd processes, and keeps across
 * readings the highest sum seen and every workerd pid seen (more than two
 * means wrangler restarted workerd during the run).
 */
export class WorkerdMemory {
  readonly pidsSeen = new Set<number>();
  highestRssKb = 0;

  constructor(
    private readonly root: number,
    private readonly publicPort: number,
  ) {}

  async read(): Promise<RssReading> {
    const list = await workerds(this.root, this.publicPort);
    for (const w of list) this.pidsSeen.add(w.pid);
    const sum = (role?: Workerd["role"]) => list.filter((w) => !role || w.role === role).reduce((total, w) => total + w.rssKb, 0);
    const reading = { rssKb: sum(), runtimeKb: sum("runtime"), proxyKb: sum("proxy") };
    this.highestRssKb = Math.max(this.highestRssKb, reading.rssKb);
    return reading;
  }
}

/** Ends, by its own pid, each of `processes` still running (the same start time): a workerd that outlived wrangler. */
export async function endLeftovers(processes: Pick<Workerd, "pid" | "startedAt">[]): Promise<void> {
  for (const { pid, startedAt } of processes) {
    if ((await procStat(pid))?.startedAt !== startedAt) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
