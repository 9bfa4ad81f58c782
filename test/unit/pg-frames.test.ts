import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { terminateWatcher } from "../../scripts/local/pg-frames";

const startup = () => {
  const body = Buffer.from("\0\x03\0\0user\0postgres\0\0", "binary");
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
};
const typed = (type: string, payload: string) => {
  const out = Buffer.alloc(5 + payload.length);
  out.write(type, 0);
  out.writeInt32BE(4 + payload.length, 1);
  out.write(payload, 5, "binary");
  return out;
};

describe("the proxy's Terminate watcher", () => {
  it("sees Terminate after start-up and queries", () => {
    const watch = terminateWatcher();
    expect(watch(startup())).toBe(false);
    expect(watch(typed("Q", "select 1\0"))).toBe(false);
    expect(watch(typed("X", ""))).toBe(true);
  });

  it("is not fooled by an X inside a query, or by messages split across chunks", () => {
    const watch = terminateWatcher();
    const all = Buffer.concat([startup(), typed("Q", "select 'X\0\0\0\x04'\0"), typed("X", "")]);
    const cut = all.length - 3;
    expect(watch(all.subarray(0, 10))).toBe(false);
    expect(watch(all.subarray(10, cut))).toBe(false);
    expect(watch(all.subarray(cut))).toBe(true);
  });
});
