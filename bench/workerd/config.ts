/**
 * The workerd config (capnp text) for the Worker as `wrangler deploy` builds
 * it, read generically from wrangler.toml (through wrangler's own parser):
 * every module of the bundle, the compatibility date and flags, `[vars]`
 * overlaid with the run's values, every Durable Object class bound in
 * `[[durable_objects.bindings]]` (SQLite-backed when a migration made it so,
 * stored on local disk), the Cache API, and stand-ins for the bindings only
 * Cloudflare or Miniflare provide (`stand-ins.ts`). A binding of a kind this
 * file does not know is reported, not silently dropped.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { CACHE_SERVICE_SOURCE, PROBE_SOURCE, STAND_IN_MODULE, STAND_IN_SOURCE, type StandInKind } from "./stand-ins";

export interface GeneratedConfig {
  /** The capnp text. */
  text: string;
  /** Extra files the text embeds, relative to the config's folder. */
  files: Record<string, string>;
  /** What was stood in for, e.g. "ADDRESS_RATE_LIMIT (rate limit: always allows)". */
  standIns: string[];
  /** Bindings of kinds nothing here provides (absent from env in this run). */
  unsupported: string[];
  /** Durable Object classes and their bindings. */
  durableObjects: { binding: string; className: string; sql: boolean }[];
}

const STAND_IN_NOTE: Record<StandInKind, string> = {
  ratelimit: "rate limit stand-in: limit() always { success: true }",
  queue: "queue producer stand-in: send()/sendBatch() accepted and counted, no consumer",
  workflow: "Workflow stand-in: create() accepted, get().status() 'queued', nothing runs",
  send_email: "send_email stand-in: send() accepted, nothing sent",
  analytics_engine: "Analytics Engine stand-in: writeDataPoint() accepted",
};

/** A capnp text literal (the values are ASCII; anything else is escaped byte by byte). */
function str(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, "utf8")) {
    const ch = String.fromCharCode(byte);
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (byte >= 0x20 && byte < 0x7f) out += ch;
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}

/** The module entry for one file of the bundle, by its extension. */
function moduleEntry(name: string, embedPath: string): string | undefined {
  if (/\.(m?js|cjs)$/.test(name)) return `(name = ${str(name)}, esModule = embed ${str(embedPath)})`;
  if (name.endsWith(".wasm")) return `(name = ${str(name)}, wasm = embed ${str(embedPath)})`;
  if (/\.(txt|html|sql)$/.test(name)) return `(name = ${str(name)}, text = embed ${str(embedPath)})`;
  if (/\.(bin|data)$/.test(name)) return `(name = ${str(name)}, data = embed ${str(embedPath)})`;
  return undefined;
}

export async function generateConfig(options: {
  wranglerToml: string;
  /** `wrangler deploy --dry-run --outdir` output, relative to the config's folder. */
  bundleDir: string;
  configDir: string;
  port: number;
  /** Where the probe Worker listens (the benchmark's floor). */
  probePort: number;
  /** Values for `[vars]` and secrets; they win over wrangler.toml. */
  vars: Record<string, string>;
}): Promise<GeneratedConfig> {
  const wrangler = unstable_readConfig({ config: options.wranglerToml });
  const standIns: string[] = [];
  const unsupported: string[] = [];
  const usedKinds = new Set<StandInKind>();
  const bindings: string[] = [];

  // [vars] then the run's values (secrets among them); text bindings, as wrangler's are.
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(wrangler.vars ?? {})) vars[name] = typeof value === "string" ? value : JSON.stringify(value);
  Object.assign(vars, options.vars);
  for (const [name, value] of Object.entries(vars)) bindings.push(`(name = ${str(name)}, text = ${str(value)})`);

  // Durable Objects of this Worker: SQLite-backed unless a migration made the class key-value only.
  const kvClasses = new Set(wrangler.migrations.flatMap((m: { new_classes?: string[] }) => m.new_classes ?? []));
  const doBindings: { name: string; class_name: string; script_name?: string }[] = wrangler.durable_objects?.bindings ?? [];
  const durableObjects = doBindings
    .filter((b) => !b.script_name)
    .map((b) => ({ binding: b.name, className: b.class_name, sql: !kvClasses.has(b.class_name) }));
  for (const b of doBindings) {
    if (b.script_name) unsupported.push(`${b.name} (Durable Object of another Worker, ${b.script_name})`);
  }
  for (const d of durableObjects) bindings.push(`(name = ${str(d.binding)}, durableObjectNamespace = ${str(d.className)})`);

  const wrapped = (name: string, kind: StandInKind, inner: Record<string, unknown>, what: string) => {
    usedKinds.add(kind);
    const innerBindings = Object.entries(inner).map(([k, v]) => `(name = ${str(k)}, json = ${str(JSON.stringify(v))})`);
    bindings.push(`(name = ${str(name)}, wrapped = (moduleName = ${str(STAND_IN_MODULE[kind])}, innerBindings = [${innerBindings.join(", ")}]))`);
    standIns.push(`${name} (${what}): ${STAND_IN_NOTE[kind]}`);
  };
  for (const r of wrangler.ratelimits ?? []) wrapped(r.name, "ratelimit", { name: r.name, limit: r.simple.limit, period: r.simple.period }, "[[ratelimits]]");
  for (const q of wrangler.queues?.producers ?? []) wrapped(q.binding, "queue", { queue: q.queue }, "[[queues.producers]]");
  for (const w of wrangler.workflows ?? []) wrapped(w.binding, "workflow", { name: w.name }, "[[workflows]]");
  for (const e of wrangler.send_email ?? []) wrapped(e.name, "send_email", {}, "[[send_email]]");
  for (const a of wrangler.analytics_engine_datasets ?? []) wrapped(a.binding, "analytics_engine", {}, "[[analytics_engine_datasets]]");
  if ((wrangler.queues?.consumers ?? []).length > 0) standIns.push("queue consumers: not run (no queue delivers to them)");
  if ((wrangler.triggers?.crons ?? []).length > 0) standIns.push("cron triggers: not run");
  for (const [kind, list] of Object.entries({
    kv_namespaces: wrangler.kv_namespaces,
    r2_buckets: wrangler.r2_buckets,
    d1_databases: wrangler.d1_databases,
    services: wrangler.services,
    hyperdrive: wrangler.hyperdrive,
    vectorize: wrangler.vectorize,
  })) {
    for (const b of (list ?? []) as { binding: string }[]) unsupported.push(`${b.binding} (${kind}: no stand-in, absent from env)`);
  }

  // The bundle's modules, the entry first (workerd's main module is the first).
  const files = (await readdir(path.join(options.configDir, options.bundleDir), { recursive: true })).filter(
    (f) => !f.endsWith(".map") && f !== "README.md",
  );
  const entry = files.find((f) => f === "index.js") ?? files.find((f) => /\.m?js$/.test(f));
  if (!entry) throw new Error(`no JavaScript entry in the bundle (${files.join(", ")})`);
  const modules = [entry, ...files.filter((f) => f !== entry)]
    .map((f) => moduleEntry(f, path.join(options.bundleDir, f)))
    .filter((m): m is string => m !== undefined);

  const compat = `compatibilityDate = ${str(wrangler.compatibility_date ?? "2024-01-01")}, compatibilityFlags = [${(wrangler.compatibility_flags ?? []).map(str).join(", ")}]`;
  const namespaces = durableObjects.map((d) => `(className = ${str(d.className)}, uniqueKey = ${str(`${wrangler.name ?? "worker"}-${d.className}`)}, enableSql = ${d.sql})`);
  const extensionModules = [...usedKinds].map((k) => `(name = ${str(STAND_IN_MODULE[k])}, internal = true, esModule = ${str(STAND_IN_SOURCE[k])})`);
  const seatRoom = durableObjects.find((d) => d.className === "SeatRoom");

  const text = `# Generated by bench/workerd/config.ts for one benchmark run; removed with it.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .mainWorker),
    (name = "do-storage", disk = (path = "do-storage", writable = true)),
    (name = "cache", worker = .cacheWorker),
    (name = "probe", worker = .probeWorker),
    # The local WebSocket proxy in front of Postgres is on 127.0.0.1: allow local addresses.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [
    (name = "http", address = ${str(`127.0.0.1:${options.port}`)}, http = (), service = "main"),
    (name = "probe", address = ${str(`127.0.0.1:${options.probePort}`)}, http = (), service = "probe"),
  ],
  extensions = [(modules = [${extensionModules.join(", ")}])],
);

const mainWorker :Workerd.Worker = (
  modules = [${modules.join(", ")}],
  ${compat},
  bindings = [
    ${bindings.join(",\n    ")}
  ],
  durableObjectNamespaces = [${namespaces.join(", ")}],
  durableObjectStorage = (localDisk = "do-storage"),
  cacheApiOutbound = "cache",
  globalOutbound = "internet",
);

const cacheWorker :Workerd.Worker = (
  modules = [(name = "cache.js", esModule = embed "cache.js")],
  ${compat},
);

const probeWorker :Workerd.Worker = (
  modules = [(name = "probe.js", esModule = embed "probe.js")],
  ${compat},
  bindings = [${seatRoom ? `(name = "SEAT_ROOM", durableObjectNamespace = (className = "SeatRoom", serviceName = "main"))` : ""}],
);
`;
  return {
    text,
    files: { "cache.js": CACHE_SERVICE_SOURCE, "probe.js": PROBE_SOURCE },
    standIns: [...standIns, "Cache API: in-memory cache service of one isolate (cacheApiOutbound), honours max-age/s-maxage"],
    unsupported,
    durableObjects,
  };
}
