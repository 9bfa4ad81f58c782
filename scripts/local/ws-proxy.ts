/**
 * A WebSocket-to-TCP proxy speaking the protocol of Neon's `wsproxy`: a
 * client opens `ws://host:port/v1?address=dbhost:dbport` and every binary
 * message is piped to that TCP address and back. It lets the real
 * `@neondatabase/serverless` driver (which only speaks WebSocket) reach a
 * local Postgres, from Node scripts and from workerd alike.
 *
 * The driver ends a connection by sending Terminate and waiting for the
 * server to hang up. PGlite's socket server never hangs up, so the proxy
 * follows the client's message framing and closes both sides itself after
 * Terminate; otherwise every pool would leak a connection.
 *
 * Only loopback targets are allowed: this is a development tool, not an
 * open relay.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { terminateWatcher } from "./pg-frames";

export interface WsProxy {
  /** `host:port` of the proxy, the form `neonConfig.wsProxy` wants. */
  address: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
export async function startWsProxy(port = 0): Promise<WsProxy> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port });
  await new Promise<void>((resolve) => wss.once("listening", resolve));

  wss.on("connection", (ws, request) => {
    const target = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const separator = target.lastIndexOf(":");
    const host = target.slice(0, separator);
    const targetPort = Number(target.slice(separator + 1));
    if (!LOOPBACK.has(host) || !Number.isInteger(targetPort)) {
      ws.close(1008, "only loopback Postgres addresses are proxied");
      return;
    }
    const socket = net.connect({ host, port: targetPort });
    const terminated = terminateWatcher();
    socket.setNoDelay(true);
    socket.on("data", (chunk) => ws.send(chunk));
    socket.on("close", () => ws.close());
    socket.on("error", () => ws.close());
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
      for (const chunk of chunks) {
        socket.write(chunk);
        if (terminated(chunk)) {
          socket.end();
          ws.close();
          return;
        }
      }
    });
    ws.on("close", () => socket.end());
    ws.on("error", () => socket.destroy());
  });

  const { port: boundPort } = wss.address() as AddressInfo;
  return {
    address: `127.0.0.1:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
