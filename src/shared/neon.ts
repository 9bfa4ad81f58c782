/**
 * One place that configures the Neon driver, for both of its paths:
 *
 * - SQL over HTTP (`neon()`): one statement, one `fetch`, no session. Neon's
 *   docs: "Querying over an HTTP fetch request is faster for single,
 *   non-interactive transactions, also referred to as 'one-shot queries'"
 *   (neon.com/docs/serverless/serverless-driver).
 * - WebSocket (`Pool`): a session, for interactive transactions and
 *   multi-statement work; "create, use, and close Pool or Client objects
 *   within a single request handler" (same page).
 *
 * Production keeps Neon's defaults (secure WebSocket, pipelined TLS and
 * connect, `https://<endpoint>/sql`). Local development and tests set
 * `localProxy` to the address of the local proxy in front of a plain
 * Postgres (scripts/local/ws-proxy.ts), which speaks neither TLS nor Neon's
 * pipelining and answers both paths: WebSocket at `/v1`, HTTP at `/sql`
 * (`neonConfig.fetchEndpoint`: "useful for local development", the
 * driver's CONFIG.md).
 */
import { neon, neonConfig, Pool, type NeonQueryFunction } from "@neondatabase/serverless";

export interface NeonOptions {
  /** `host:port` of a local proxy; unset in production. */
  localProxy?: string | undefined;
  /** Node 20 has no global WebSocket: Node scripts pass the `ws` package. */
  webSocketConstructor?: typeof neonConfig.webSocketConstructor;
}

let configuredProxy: string | undefined;

export function configureNeon(options: NeonOptions): void {
  if (options.webSocketConstructor) neonConfig.webSocketConstructor = options.webSocketConstructor;
  if (!options.localProxy || configuredProxy === options.localProxy) return;
  const proxy = options.localProxy;
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  // The proxy reads the target database from the Neon-Connection-String header, as Neon's endpoint does.
  neonConfig.fetchEndpoint = () => `http://${proxy}/sql`;
  configuredProxy = proxy;
}

/**
 * A pool for one unit of work; the caller ends it. A connection that breaks
 * surfaces as a failed query; the pool-level error (an idle client losing its
 * socket, typically as the pool ends) is not an unhandled crash.
 */
export function createPool(connectionString: string, options: NeonOptions = {}): Pool {
  configureNeon(options);
  const pool = new Pool({ connectionString, max: 4 });
  pool.on("error", () => {});
  return pool;
}

/**
 * The HTTP query function: nothing to open or end, each statement is one
 * `fetch` (Neon pools the Postgres connections behind its endpoint).
 */
export function createHttpClient(connectionString: string, options: NeonOptions = {}): NeonQueryFunction<false, false> {
  configureNeon(options);
  return neon(connectionString);
}
