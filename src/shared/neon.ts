/**
 * One place that configures the Neon driver. Production keeps Neon's
 * defaults (secure WebSocket, pipelined TLS and connect). Local development
 * and tests set `localProxy` to the address of the WebSocket-to-TCP proxy in
 * front of a plain Postgres, which speaks neither TLS nor Neon's pipelining.
 */
import { neonConfig, Pool } from "@neondatabase/serverless";

export interface NeonOptions {
  /** `host:port` of a local wsproxy; unset in production. */
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
