/**
 * A WebSocket-to-TCP proxy speaking the protocol of Neon's `wsproxy`: a
 * client opens `ws://host:port/v1?address=dbhost:dbport` and every binary
 * message is piped to that TCP address and back. It lets the real
 * `@neondatabase/serverless` driver (which only speaks WebSocket) reach a
 * local Postgres, from Node scripts and from workerd alike.
 *
 * It follows the client's message framing (`pg-frames.ts`) for two reasons:
 *
 * - The driver ends a connection by sending Terminate and waiting for the
 *   server to hang up. PGlite's socket server never hangs up, so the proxy
 *   closes both sides after Terminate; otherwise every pool leaked a
 *   connection.
 * - With `serialize` (the embedded database), requests of different
 *   connections take turns: one connection's request (up to Sync or Query)
 *   runs until the server is ready again, and a transaction keeps the turn
 *   until it ends. PGlite is one session; pglite-socket multiplexes at the
 *   message level, and interleaved extended-protocol messages of two
 *   connections (Parse/Bind/Execute) corrupted each other's results.
 *
 * The same port answers the driver's other path, SQL over HTTP (`POST
 * /sql`, `sql-over-http.ts`): what `neon()` and Drizzle's `neon-http` send,
 * one statement per round trip. Its requests take turns with the WebSocket
 * connections' on the embedded database.
 *
 * Only loopback targets are allowed: this is a development tool, not an
 * open relay.
 *
 * With `faults` (the test suites), `POST /faults {"postgres":"down"|"up"}`
 * on the same port plays a database outage: every open connection is cut
 * and new ones fail as an unreachable server's would, until it is lifted;
 * SQL-over-HTTP requests fail without an answer meanwhile. `GET /stats`
 * counts WebSocket connections and SQL-over-HTTP requests so far.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { endsRequest, frontendFrames, isEncryptionRequest, isTerminate, readyStatuses, type Frame } from "./pg-frames";
import { sqlOverHttp } from "./sql-over-http";
import { Turns } from "./turns";

export interface WsProxy {
  /** `host:port` of the proxy, the form `neonConfig.wsProxy` wants. */
  address: string;
  stop(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export async function startWsProxy(options: { port?: number; serialize?: boolean; faults?: boolean } = {}): Promise<WsProxy> {
  let down = false;
  let webSockets = 0;
  const cuts = new Set<() => void>();
  const turns = options.serialize ? new Turns() : undefined;
  const sql = sqlOverHttp({ turns, isDown: () => down });
  const server = http.createServer((request, response) => {
    if (request.method === "POST" && new URL(request.url ?? "/", "http://proxy").pathname === "/sql") {
      sql.handle(request, response);
      return;
    }
    if (options.faults && request.method === "GET" && request.url === "/stats") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sqlOverHttp: sql.served(), webSockets }));
      return;
    }
    if (!options.faults || request.method !== "POST" || request.url !== "/faults") {
      response.writeHead(404).end();
      return;
    }
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const wanted = (JSON.parse(body || "{}") as { postgres?: string }).postgres;
      down = wanted === "down";
      if (down) {
        for (const cut of [...cuts]) cut();
        void sql.cut();
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ postgres: down ? "down" : "up" }));
    });
  });
  const wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));

  wss.on("connection", (ws, request) => {
    webSockets += 1;
    if (down) {
      // As an unreachable server: the driver learns of it once it has spoken.
      ws.once("message", () => ws.close());
      setTimeout(() => ws.close(), 250);
      return;
    }
    const target = new URL(request.url ?? "/", "http://proxy").searchParams.get("address") ?? "";
    const separator = target.lastIndexOf(":");
    const host = target.slice(0, separator);
    const targetPort = Number(target.slice(separator + 1));
    if (!LOOPBACK.has(host) || !Number.isInteger(targetPort)) {
      ws.close(1008, "only loopback Postgres addresses are proxied");
      return;
    }
    const socket = net.connect({ host, port: targetPort });
    socket.setNoDelay(true);
    const split = frontendFrames();
    const ready = readyStatuses();
    const pending: Frame[][] = [];
    let current: Frame[] = [];
    let release: (() => void) | undefined;
    let waiting = false;
    let closed = false;
    let heard = false;

    const finish = () => {
      if (closed) return;
      closed = true;
      cuts.delete(cut);
      release?.();
      release = undefined;
      socket.end();
      // An unreachable database: close once the client has spoken, as a server
      // that hangs up would. The driver throws if its socket closes before it
      // sends its first message.
      if (heard) ws.close();
      else setTimeout(() => ws.close(), 250);
    };

    const cut = () => {
      socket.destroy();
      finish();
    };
    cuts.add(cut);

    // Sends queued requests while this connection holds (or gets) the turn.
    const pump = async (): Promise<void> => {
      while (!waiting && pending.length > 0 && !closed) {
        const next = pending[0] ?? [];
        if (turns && !release) {
          waiting = true;
          release = await turns.acquire();
          waiting = false;
          if (closed) {
            release();
            return;
          }
        }
        pending.shift();
        for (const frame of next) socket.write(frame.bytes);
        if (next.some(isTerminate)) return finish();
        if (turns) waiting = true; // until ReadyForQuery
      }
    };

    socket.on("data", (chunk) => {
      ws.send(chunk);
      if (!turns) return;
      for (const status of ready(chunk)) {
        waiting = false;
        // Idle again: the turn passes on; inside a transaction it is kept.
        if (status === "I" && release) {
          release();
          release = undefined;
        }
      }
      void pump();
    });
    socket.on("close", finish);
    socket.on("error", finish);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      heard = true;
      if (closed) return ws.close();
      const chunks = Array.isArray(data) ? data : [Buffer.from(data as ArrayBuffer)];
      for (const chunk of chunks) {
        for (const frame of split(chunk)) {
          // Local traffic is not encrypted: answer "no" for the server, as it would.
          if (isEncryptionRequest(frame)) {
            ws.send(Buffer.from("N"));
            continue;
          }
          current.push(frame);
          if (endsRequest(frame) || isTerminate(frame)) {
            pending.push(current);
            current = [];
          }
        }
      }
      void pump();
    });
    ws.on("close", finish);
    ws.on("error", () => {
      finish();
      socket.destroy();
    });
  });

  const { port: boundPort } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${boundPort}`,
    stop: async () => {
      await new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => server.close(() => resolve()));
        server.closeAllConnections();
      });
      await sql.cut();
    },
  };
}
