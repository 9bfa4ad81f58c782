/**
 * The vendored browser libraries (workers/api/pages/client/vendor/, made by
 * `npm run vendor`): each bundle defines its global on its own, is the
 * version installed in node_modules, and works: a QR code drawn by the
 * fan's encoder is read back by the door's decoder. (That the committed
 * text equals a fresh build is `npm run vendor -- --check`, run by CI:
 * esbuild does not run inside workerd.)
 */
import { describe, expect, it } from "vitest";
import jsqrPackage from "../../node_modules/jsqr/package.json";
import qrcodePackage from "../../node_modules/qrcode/package.json";
import { JSQR_JS, JSQR_JS_VERSION } from "../../workers/api/pages/client/vendor/jsqr";
import { QRCODE_JS, QRCODE_JS_VERSION } from "../../workers/api/pages/client/vendor/qrcode";
import { call } from "../helpers";

type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
interface Encoder {
  create(text: string, options: { errorCorrectionLevel: string }): { modules: { size: number; get(row: number, col: number): number | boolean } };
  toString(text: string, options: { type: "svg"; errorCorrectionLevel?: string; margin?: number }): Promise<string>;
}

/** Runs a bundle as a classic page script and returns the global it defines. */
const globalOf = <T,>(source: string, name: string): T => new Function(`${source}\nreturn ${name};`)() as T;

/** A QR code's modules as black-on-white RGBA pixels, with the standard quiet zone. */
function pixels(modules: { size: number; get(row: number, col: number): number | boolean }, scale = 4) {
  const margin = 4;
  const size = (modules.size + 2 * margin) * scale;
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (!modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = (((y + margin) * scale + dy) * size + (x + margin) * scale + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
      }
    }
  }
  return { data, size };
}

describe("the vendored QR libraries", () => {
  it("are the versions installed in node_modules", () => {
    expect(JSQR_JS_VERSION).toBe(jsqrPackage.version);
    expect(QRCODE_JS_VERSION).toBe(qrcodePackage.version);
  });

  it("define jsQR and QRCode, and the door reads what the fan's page draws", async () => {
    const jsQR = globalOf<Decode>(JSQR_JS, "jsQR");
    const QRCode = globalOf<Encoder>(QRCODE_JS, "QRCode");
    expect(typeof jsQR).toBe("function");
    expect(Object.keys(QRCode).sort()).toEqual(["create", "toCanvas", "toDataURL", "toString"]);
    // As long as a rotating code: a pass (~360 characters), a window and a P-256 signature.
    const text = `eyJhbGciOiJFZERTQSJ9.${"x".repeat(340)}.sig~1767225600~${"s".repeat(86)}`;
    const { data, size } = pixels(QRCode.create(text, { errorCorrectionLevel: "M" }).modules);
    expect(jsQR(data, size, size)?.data).toBe(text);
    const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("are served as page scripts", async () => {
    for (const [name, bundle] of [["jsqr", JSQR_JS], ["qrcode", QRCODE_JS]] as const) {
      const res = await call("GET", `/assets/${name}.js`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(bundle);
    }
  });
});
