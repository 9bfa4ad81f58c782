/** Just enough of the Postgres frontend protocol for the local WebSocket proxy. */
import { Buffer } from "node:buffer";

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const TERMINATE = 0x58; // 'X'

/**
 * Follows the frontend side of the Postgres protocol: untyped start-up
 * messages (length, code), then typed messages (type byte, length).
 * Returns true once the client has sent Terminate.
 */
export function terminateWatcher(): (chunk: Buffer) => boolean {
  let buffer: Buffer = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (startup) {
        if (buffer.length < 8) return false;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return false;
        const code = buffer.readInt32BE(4);
        startup = code === SSL_REQUEST || code === GSSENC_REQUEST;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return false;
      if (buffer[0] === TERMINATE) return true;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) return false;
      buffer = buffer.subarray(length);
    }
  };
}
