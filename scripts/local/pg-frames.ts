/**
 * Just enough of the Postgres wire protocol for the local WebSocket proxy:
 * splitting each direction into whole messages, so the proxy can see where a
 * client's request ends (Sync, Query, Terminate) and where the server is
 * ready again (ReadyForQuery, with the transaction status).
 */
import { Buffer } from "node:buffer";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export interface Frame {
  /** The type byte as a character; "" for the untyped start-up messages. */
  type: string;
  bytes: Buffer;
}

/**
 * Splits the frontend (client → server) stream: untyped start-up messages
 * (length, code), then typed messages (type byte, length).
 */
export function frontendFrames(): (chunk: Buffer) => Frame[] {
  let buffer: Buffer = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      if (startup) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const code = buffer.readInt32BE(4);
        startup = code === SSL_REQUEST || code === GSSENC_REQUEST;
        frames.push({ type: "", bytes: buffer.subarray(0, length) });
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) break;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) break;
      frames.push({ type: String.fromCharCode(buffer[0] ?? 0), bytes: buffer.subarray(0, length) });
      buffer = buffer.subarray(length);
    }
    return frames;
  };
}

/**
 * Watches the backend (server → client) stream for ReadyForQuery and reports
 * each one's transaction status: "I" idle, "T" in a transaction, "E" failed
 * transaction.
 */
export function readyStatuses(): (chunk: Buffer) => string[] {
  let buffer: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    const statuses: string[] = [];
    while (buffer.length >= 5) {
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) break;
      if (buffer[0] === 0x5a) statuses.push(String.fromCharCode(buffer[5] ?? 0));
      buffer = buffer.subarray(length);
    }
    return statuses;
  };
}

/** SSLRequest or GSSENCRequest: asks for encryption before start-up. */
export function isEncryptionRequest(frame: Frame): boolean {
  if (frame.type !== "" || frame.bytes.length !== 8) return false;
  const code = frame.bytes.readInt32BE(4);
  return code === SSL_REQUEST || code === GSSENC_REQUEST;
}

/** A frame after which the client waits for the server (a request boundary). */
export const endsRequest = (frame: Frame): boolean => frame.type === "S" || frame.type === "Q" || frame.type === "";
export const isTerminate = (frame: Frame): boolean => frame.type === "X";
