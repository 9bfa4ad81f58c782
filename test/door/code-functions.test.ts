/**
 * The ticket-code functions as the pages run them (/assets/codes.js): the
 * embedded source evaluates on its own, and checks and makes codes exactly
 * as the originals in src/shared/ticket-codes.ts do.
 */
import { describe, expect, it } from "vitest";
import { CODES_JS } from "../../workers/api/pages/client/code-functions";
import {
  checkTicketCode,
  CODE_WINDOW_SECONDS,
  decodePass,
  issuePass,
  MAX_CODE_AGE_SECONDS,
  rotatingCode,
  signingKey,
} from "../../src/shared/ticket-codes";
import { call } from "../helpers";
import { holderKeys } from "./door-helpers";

type Codes = {
  decodePass: typeof decodePass;
  checkTicketCode: typeof checkTicketCode;
  rotatingCode: typeof rotatingCode;
  CODE_WINDOW_SECONDS: number;
  MAX_CODE_AGE_SECONDS: number;
};

/** Runs the page script as a browser would, with nothing but the language and WebCrypto, and returns what it defines. */
function pageCodes(source: string): Codes {
  const window: { TicketCodes?: Codes } = {};
  new Function("window", source)(window);
  if (!window.TicketCodes) throw new Error("the script did not define window.TicketCodes");
  return window.TicketCodes;
}

const KEYS = { JWT_SECRET: "embedded-codes-secret" };
const OPTIONS = { maxAgeSeconds: MAX_CODE_AGE_SECONDS, windowSeconds: CODE_WINDOW_SECONDS, printCodes: true };
const TICKET = { ticketId: "ev_embedded1.4", bookingId: "bk_embedded1", version: 2, section: "Balcony", row: "C", seat: "9" };
const STARTS = new Date(Date.now() + 86_400_000);
const now = () => Math.floor(Date.now() / 1000);


describe("the code functions embedded in the pages", () => {
  it("define the same constants and decode a pass as the original does", async () => {
    const codes = pageCodes(CODES_JS);
    expect(codes.CODE_WINDOW_SECONDS).toBe(CODE_WINDOW_SECONDS);
    expect(codes.MAX_CODE_AGE_SECONDS).toBe(MAX_CODE_AGE_SECONDS);
    const pass = await issuePass(KEYS, TICKET, STARTS);
    expect(codes.decodePass(pass)).toEqual(decodePass(pass));
    expect(codes.decodePass(pass)).toMatchObject({ t: TICKET.ticketId, v: 2, l: ["Balcony", "C", "9"] });
    expect(codes.decodePass("not a pass")).toBeNull();
  });

  it("check a real print code, a fresh and a stale rotating code, and a forged one as the original does", async () => {
    const codes = pageCodes(CODES_JS);
    const { publicKey } = await signingKey(KEYS);
    const holder = await holderKeys();
    const print = await issuePass(KEYS, TICKET, STARTS);
    const pass = await issuePass(KEYS, TICKET, STARTS, holder.publicKey);
    const t = now();
    const fresh = await codes.rotatingCode(pass, holder.privateKey, t, CODE_WINDOW_SECONDS);
    const thief = await holderKeys();
    const forged = await rotatingCode(pass, thief.privateKey, t, CODE_WINDOW_SECONDS);
    const cases: Array<[string, number]> = [
      [print, t],
      [fresh, t],
      [fresh, t + MAX_CODE_AGE_SECONDS + CODE_WINDOW_SECONDS],
      [forged, t],
      [pass, t],
      [`${fresh}x`, t],
      ["hello", t],
    ];
    for (const [code, at] of cases) {
      expect(await codes.checkTicketCode(code, [publicKey], at, OPTIONS)).toEqual(await checkTicketCode(code, [publicKey], at, OPTIONS));
    }
    expect(await codes.checkTicketCode(fresh, [publicKey], t, OPTIONS)).toMatchObject({ ok: true, kind: "rotating", ticketId: TICKET.ticketId, version: 2 });
    expect(await codes.checkTicketCode(forged, [publicKey], t, OPTIONS)).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("make rotating codes the original accepts, for the same window", async () => {
    const codes = pageCodes(CODES_JS);
    const { publicKey } = await signingKey(KEYS);
    const holder = await holderKeys();
    const pass = await issuePass(KEYS, TICKET, STARTS, holder.publicKey);
    const t = now();
    const fromPage = await codes.rotatingCode(pass, holder.privateKey, t, CODE_WINDOW_SECONDS);
    const fromOriginal = await rotatingCode(pass, holder.privateKey, t, CODE_WINDOW_SECONDS);
    // ECDSA signatures are randomized: the same pass and window, not the same bytes.
    expect(fromPage.split("~").slice(0, 2)).toEqual(fromOriginal.split("~").slice(0, 2));
    expect(await checkTicketCode(fromPage, [publicKey], t, OPTIONS)).toMatchObject({ ok: true, kind: "rotating", windowStart: t - (t % CODE_WINDOW_SECONDS) });
  });

  it("run with the __name calls that wrangler's keepNames bundling inserts", () => {
    const wrapped = CODES_JS.replace("const decodePass = ", "const decodePass = __name(").replace(/;\nconst checkTicketCode/, ', "decodePass");\nconst checkTicketCode');
    expect(wrapped).toContain('__name(function');
    expect(typeof pageCodes(wrapped).decodePass).toBe("function");
  });

  it("are served by the Worker as /assets/codes.js, the same text", async () => {
    const res = await call("GET", "/assets/codes.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    const served = await res.text();
    const codes = pageCodes(served);
    expect(codes.CODE_WINDOW_SECONDS).toBe(CODE_WINDOW_SECONDS);
    const pass = await issuePass(KEYS, TICKET, STARTS);
    const { publicKey } = await signingKey(KEYS);
    expect(await codes.checkTicketCode(pass, [publicKey], now(), OPTIONS)).toMatchObject({ ok: true, kind: "print", ticketId: TICKET.ticketId });
  });
});
