/**
 * Runs the Worker locally with `wrangler dev`, pointed at a local database.
 * Values reach the Worker through an env file (not the command line, where
 * `ps` would show them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PROJECT_ROOT } from "./config";
import type { LocalDatabase } from "./database";

export interface LocalWorker {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startWorker(options: {
  database: LocalDatabase;
  port: number;
  stateDir: string;
  vars?: Record<string, string>;
  quiet?: boolean;
}): Promise<LocalWorker> {
  const vars: Record<string, string> = {
    DATABASE_URL: options.database.url,
    NEON_LOCAL_PROXY: options.database.proxy ?? "",
    JWT_SECRET: process.env.JWT_SECRET ?? "local-development-secret-not-for-production",
    DEV_AUTH: "1",
    // Links in mail point at this server.
    PUBLIC_URL: `http://127.0.0.1:${options.port}`,
    ...options.vars,
  };
  const envFile = path.join(options.stateDir, "worker.env");
  await writeFile(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n"),
    { mode: 0o600 },
  );
  const child = spawn(
    process.execPath,
    [
      path.join(PROJECT_ROOT, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "--port",
      String(options.port),
      "--ip",
      "127.0.0.1",
      "--env-file",
      envFile,
      "--persist-to",
      path.join(options.stateDir, "wrangler"),
      "--show-interactive-dev-session=false",
      ...(options.quiet ? ["--log-level", "warn"] : []),
    ],
    // No `Request.cf` download: it needs the internet and local dev has no use for it.
    { cwd: PROJECT_ROOT, stdio: options.quiet ? "ignore" : "inherit", env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" } },
  );
  const url = `http://127.0.0.1:${options.port}`;
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGINT");
      await new Promise((resolve) => {
        child.once("exit", resolve);
        setTimeout(resolve, 3_000);
      });
    },
  };
}

/** Waits until the Worker answers its health check. */
export async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the Worker at ${url} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
