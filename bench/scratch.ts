/**
 * One temporary folder per benchmark run, and the child processes started
 * in it. Everything a run writes (the Worker's bundle, workerd's config and
 * its Durable Objects' SQLite files, an embedded database) lives below that
 * one folder, and the folder is removed when the run ends: normally, on an
 * error, or on Ctrl-C (SIGINT) / SIGTERM. Children are ended by their own
 * pid, never by name, so another engineer's workerd on the same machine is
 * never touched.
 */
import { type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

let root: string | undefined;
const children = new Set<ChildProcess>();
const cleanups = new Set<() => Promise<void> | void>();
let hooked = false;

/** The run's folder (created on first use), 0700 as mkdtemp makes it. */
export function runDir(): string {
  root ??= mkdtempSync(path.join(os.tmpdir(), "edge-tickets-bench-"));
  hookExit();
  return root;
}

/** A fresh folder below the run's folder. */
export function scratchDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(runDir(), `${prefix}-`));
}

/** Ends `child` (by its pid) if the run is interrupted before it is stopped normally. */
export function adopt(child: ChildProcess): () => void {
  children.add(child);
  hookExit();
  return () => children.delete(child);
}

/** Runs `cleanup` (drop a database, say) when the run is interrupted; returns a function that forgets it. */
export function onInterrupt(cleanup: () => Promise<void> | void): () => void {
  cleanups.add(cleanup);
  hookExit();
  return () => cleanups.delete(cleanup);
}

/** Removes the run's folder (children must be stopped first). */
export function removeRunDir(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  children.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Last resort, synchronous: whatever is still running or on disk goes.
  process.on("exit", () => {
    killChildren();
    removeRunDir();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      killChildren();
      void Promise.allSettled([...cleanups].map(async (c) => c()))
        .then(() => removeRunDir())
        .finally(() => process.exit(130));
      // Never hang on a cleanup that cannot finish.
      setTimeout(() => process.exit(130), 5_000).unref();
    });
  }
}
