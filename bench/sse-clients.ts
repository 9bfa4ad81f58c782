/**
 * Seat-stream (SSE) clients for the benchmarks. A stream counts as open only
 * once its `snapshot` frame arrived (the room really holds it); after that its
 * bytes are read and dropped until `close()` destroys the socket, which is how
 * a fan who goes away looks to the server. Each stream has its own socket (no
 * agent), and says which client address it is from through
 * CF-Connecting-IP, so the per-address cap can be avoided or tested.
 */
import http from "node:http";

/** How many streams are opened at once. */
const OPENING = 100;
const OPEN_TIMEOUT_MS = 20_000;

export interface Stream {
  status: number;
  contentType: string;
  /** The stream reached its `snapshot` frame: it is really open. */
  snapshot: boolean;
  /** The answer's body, for an answer that ended (a refusal). */
  body: string;
  /** The server ended an open stream (a workerd restart, say). */
  endedEarly: boolean;
  close(): void;
}

/**
 * Opens a seat stream from `address`; resolves once its `snapshot` frame
 * arrived, or with the whole answer when it ends first (a refusal). An open
 * stream is read, its bytes dropped, until `close()` destroys the socket.
 */
export function openStream(url: string, address: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    let stream: Stream | undefined;
    const request = http.get(url, { agent: false, headers: { "cf-connecting-ip": address, accept: "text/event-stream" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      const read = (chunk: string) => {
        body += chunk;
        if (res.statusCode !== 200 || !body.includes("event: snapshot")) return;
        clearTimeout(timer);
        res.off("data", read);
        res.resume();
        stream = { status: 200, contentType: String(res.headers["content-type"]), snapshot: true, body: "", endedEarly: false, close: () => request.destroy() };
        resolve(stream);
      };
      res.on("data", read);
      res.on("end", () => {
        clearTimeout(timer);
        if (stream) stream.endedEarly = true;
        else resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), snapshot: false, body, endedEarly: false, close: () => {} });
      });
      // A destroyed socket ends its response with an error: expected here.
      res.on("error", () => {});
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no snapshot for ${address} within ${OPEN_TIMEOUT_MS} ms`));
    }, OPEN_TIMEOUT_MS);
    request.on("error", (error) => {
      clearTimeout(timer);
      if (!stream) reject(error);
    });
  });
}

const NO_ANSWER: Stream = { status: 0, contentType: "", snapshot: false, body: "", endedEarly: false, close: () => {} };

/** Opens `count` streams, OPENING at a time; `address(i)` is the i-th stream's client address; `afterBatch` runs after each batch. */
export async function openMany(url: string, count: number, address: (i: number) => string, afterBatch?: () => Promise<void>): Promise<Stream[]> {
  const streams: Stream[] = [];
  for (let start = 0; start < count; start += OPENING) {
    // An open that got no answer in time counts as not open (status 0), like a refused one.
    const batch = Array.from({ length: Math.min(OPENING, count - start) }, (_, k) => openStream(url, address(start + k)).catch(() => NO_ANSWER));
    streams.push(...(await Promise.all(batch)));
    await afterBatch?.();
  }
  return streams;
}

/** 10.0.0.1, 10.0.0.2, … 10.0.0.250, 10.0.1.1, …: one address per stream. */
export const distinctAddress = (i: number) => `10.${Math.floor(i / 62_500) % 250}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
