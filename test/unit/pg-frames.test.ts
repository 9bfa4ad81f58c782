import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { endsRequest, frontendFrames, isEncryptionRequest, isTerminate, readyStatuses } from "../../scripts/local/pg-frames";

const untyped = (code: number, body = "") => {
  const out = Buffer.alloc(8 + body.length);
  out.writeInt32BE(8 + body.length, 0);
  out.writeInt32BE(code, 4);
  out.write(body, 8, "binary");
  return out;
};
const startup = () => untyped(196608, "user\0postgres\0\0");
const typed = (type: string, payload: string) => {
  const out = Buffer.alloc(5 + payload.length);
  out.write(type, 0);
  out.writeInt32BE(4 + payload.length, 1);
  out.write(payload, 5, "binary");
  return out;
};

describe("the proxy's view of the client stream", () => {
  it("splits start-up, extended-protocol and Terminate messages at their boundaries", () => {
    const split = frontendFrames();
    const frames = split(Buffer.concat([startup(), typed("P", "\0select 1\0\0\0"), typed("B", "\0\0\0\0\0\0\0\0"), typed("E", "\0\0\0\0\0"), typed("S", ""), typed("X", "")]));
    expect(frames.map((f) => f.type)).toEqual(["", "P", "B", "E", "S", "X"]);
    expect(frames.map(endsRequest)).toEqual([true, false, false, false, true, false]);
    expect(frames.map(isTerminate)).toEqual([false, false, false, false, false, true]);
  });

  it("is not fooled by an X inside a query, or by messages split across chunks", () => {
    const split = frontendFrames();
    const all = Buffer.concat([startup(), typed("Q", "select 'X\0\0\0\x04'\0"), typed("X", "")]);
    const cut = all.length - 3;
    const seen = [...split(all.subarray(0, 10)), ...split(all.subarray(10, cut)), ...split(all.subarray(cut))];
    expect(seen.map((f) => f.type)).toEqual(["", "Q", "X"]);
  });

  it("recognizes a request for encryption", () => {
    const [ssl] = frontendFrames()(untyped(80877103));
    expect(ssl && isEncryptionRequest(ssl)).toBe(true);
    const [plain] = frontendFrames()(startup());
    expect(plain && isEncryptionRequest(plain)).toBe(false);
  });
});

describe("the proxy's view of the server stream", () => {
  it("reports each ReadyForQuery's transaction status, across chunk boundaries", () => {
    const watch = readyStatuses();
    const stream = Buffer.concat([typed("R", "\0\0\0\0"), typed("Z", "I"), typed("C", "BEGIN\0"), typed("Z", "T"), typed("Z", "E")]);
    expect([...watch(stream.subarray(0, 12)), ...watch(stream.subarray(12))]).toEqual(["I", "T", "E"]);
  });
});
