/**
 * The system under test: the Worker as `wrangler deploy` builds it, run on
 * raw workerd (`workerd serve`), with no `wrangler dev` proxy in front.
 * Each start builds the bundle, writes the generated config (`config.ts`)
 * and keeps the Durable Objects' SQLite files in one folder below the run's
 * folder (`../scratch.ts`); `stop()` ends our own workerd child, by its pid,
 * and removes that folder.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { LocalDatabase } from "../../scripts/local/database";
import { adopt, scratchDir } from "../scratch";
import { generateConfig } from "./config";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORKERD = path.join(ROOT, "node_modules/workerd/bin/workerd");
const run = promisify(execFile);

export interface RunningWorkerd {
  url: string;
  /** The probe Worker: `${probeUrl}/noop`, `${probeUrl}/room?name=…`. */
  probeUrl: string;
  /** Our workerd child's pid (not found by name: another workerd may run on this machine). */
  pid: number;
  /** e.g. "workerd 2026-04-26 (npm workerd 1.20260426.1)". */
  version: string;
  inspector: string;
  /** The Durable Objects' SQLite files (one folder per class). */
  storageDir: string;
  standIns: string[];
  unsupported: string[];
  stop(): Promise<void>;
  /**
   * Ends our workerd and starts it again on the same ports, bundle and
   * Durable Object storage, with `vars` (default: the first start's):
   * rooms reload from their SQLite files. `pid` changes.
   */
  restart(vars?: Record<string, string>): Promise<{ url: string; pid: number; probeUrl: string }>;
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let versionText: string | undefined;
async function workerdVersion(): Promise<string> {
  if (versionText) return versionText;
  const { stdout } = await run(WORKERD, ["--version"]);
  const npm = (JSON.parse(await readFile(path.join(ROOT, "node_modules/workerd/package.json"), "utf8")) as { version: string }).version;
  versionText = `${stdout.trim()} (npm workerd ${npm})`;
  return versionText;
}

/** Builds the bundle once per call: `wrangler deploy --dry-run --outdir`. */
async function buildBundle(outdir: string): Promise<void> {
  await run(process.execPath, [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    maxBuffer: 16 * 1024 * 1024,
  });
}

export async function startWorkerd(options: {
  vars: Record<string, string>;
  port?: number;
  database: Pick<LocalDatabase, "url" | "proxy">;
  /** workerd's own output on stderr (default: only when BENCH_VERBOSE=1). */
  verbose?: boolean;
}): Promise<RunningWorkerd> {
  const dir = await scratchDir("workerd");
  let forget: (() => void) | undefined;
  let child: ReturnType<typeof spawn> | undefined;
  const verbose = options.verbose ?? process.env.BENCH_VERBOSE === "1";
  const end = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
    forget?.();
  };
  const stop = async () => {
    await end();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = options.port ?? (await freePort());
    const probePort = await freePort();
    const inspectorPort = await freePort();
    await buildBundle(path.join(dir, "bundle"));
    await mkdir(path.join(dir, "do-storage"));
    const baseVars: Record<string, string> = {
      DATABASE_URL: options.database.url,
      NEON_LOCAL_PROXY: options.database.proxy ?? "",
      JWT_SECRET: process.env.JWT_SECRET ?? "local-development-secret-not-for-production",
      DEV_AUTH: "1",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    };
    const url = `http://127.0.0.1:${port}`;
    let standIns: string[] = [];
    let unsupported: string[] = [];
    /** Writes the config with `vars` and starts workerd on it; the bundle and the Durable Objects' files stay. */
    const launch = async (vars: Record<string, string>) => {
      const config = await generateConfig({ wranglerToml: path.join(ROOT, "wrangler.toml"), bundleDir: "bundle", configDir: dir, port, probePort, vars: { ...baseVars, ...vars } });
      standIns = config.standIns;
      unsupported = config.unsupported;
      // The config holds the secrets (DATABASE_URL, JWT_SECRET): owner-only, as the folder is.
      await writeFile(path.join(dir, "config.capnp"), config.text, { mode: 0o600 });
      for (const [name, text] of Object.entries(config.files)) await writeFile(path.join(dir, name), text);
      const started = spawn(WORKERD, ["serve", "config.capnp", "--experimental", `--inspector-addr=127.0.0.1:${inspectorPort}`], {
        cwd: dir,
        stdio: ["ignore", verbose ? "inherit" : "ignore", "pipe"],
      });
      child = started;
      forget = adopt(started);
      let stderr = "";
      started.stderr?.on("data", (chunk: Buffer) => {
        if (verbose) process.stderr.write(chunk);
        else stderr = (stderr + chunk.toString()).slice(-8_000);
      });
      if (!started.pid) throw new Error("workerd did not start");
      await waitUntilServing(url, started, () => stderr);
      return started.pid;
    };
    const running: RunningWorkerd = {
      url,
      probeUrl: `http://127.0.0.1:${probePort}`,
      pid: await launch(options.vars),
      version: await workerdVersion(),
      inspector: `ws://127.0.0.1:${inspectorPort}`,
      storageDir: path.join(dir, "do-storage"),
      standIns,
      unsupported,
      stop,
      async restart(vars = options.vars) {
        await end();
        running.pid = await launch(vars);
        return { url, pid: running.pid, probeUrl: running.probeUrl };
      },
    };
    return running;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until the Worker answers its health check (which also proves Postgres is reachable through the proxy). */
async function waitUntilServing(url: string, child: ReturnType<typeof spawn>, stderr: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`workerd exited (${child.exitCode ?? child.signalCode}):\n${stderr()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`workerd at ${url} did not become ready:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
