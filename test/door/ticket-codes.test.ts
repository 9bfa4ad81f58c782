/** Ticket codes: passes signed with Ed25519, rotating codes signed by the holder's key, checked as the door does. */
import { describe, expect, it } from "vitest";
import { holderKeys } from "./door-helpers";
import {
  base64url,
  checkTicketCode,
  CODE_WINDOW_SECONDS,
  decodePass,
  issuePass,
  isHolderKey,
  MAX_CODE_AGE_SECONDS,
  rotatingCode,
  signingKey,
} from "../../src/shared/ticket-codes";

const KEYS = { JWT_SECRET: "codes-test-secret" };
const OPTIONS = { maxAgeSeconds: MAX_CODE_AGE_SECONDS, windowSeconds: CODE_WINDOW_SECONDS, printCodes: true };
const TICKET = { ticketId: "ev_codes1.12", bookingId: "bk_codes1", version: 1, section: "Floor A", row: "3", seat: "7" };
const STARTS = new Date(Date.now() + 86_400_000);
const now = () => Math.floor(Date.now() / 1000);


describe("ticket codes", () => {
  it("a print code passes the door with the public key alone, and names its seat", async () => {
    const { publicKey } = await signingKey(KEYS);
    const pass = await issuePass(KEYS, TICKET, STARTS);
    const check = await checkTicketCode(pass, [publicKey], now(), OPTIONS);
    expect(check).toEqual({ ok: true, kind: "print", ticketId: TICKET.ticketId, bookingId: "bk_codes1", version: 1, label: ["Floor A", "3", "7"], windowStart: null });
    expect(decodePass(pass)?.t).toBe(TICKET.ticketId);
    expect(await checkTicketCode(pass, [publicKey], now(), { ...OPTIONS, printCodes: false })).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("a pass signed by another key, or altered, is invalid", async () => {
    const { publicKey } = await signingKey(KEYS);
    const other = await issuePass({ JWT_SECRET: "someone-else" }, TICKET, STARTS);
    expect(await checkTicketCode(other, [publicKey], now(), OPTIONS)).toMatchObject({ ok: false, reason: "invalid" });
    const pass = await issuePass(KEYS, TICKET, STARTS);
    const [h, p, s] = pass.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = `${h}.${base64url(new TextEncoder().encode(JSON.stringify({ ...claims, t: "ev_codes1.13" })))}.${s}`;
    expect(await checkTicketCode(forged, [publicKey], now(), OPTIONS)).toMatchObject({ ok: false, reason: "invalid" });
    for (const junk of ["", "hello", "a.b.c", "~~", `${pass}~1~2~3`]) {
      expect(await checkTicketCode(junk, [publicKey], now(), OPTIONS)).toMatchObject({ ok: false, reason: "invalid" });
    }
  });

  it("a rotating code is accepted fresh, refused once two minutes old, and refused forged or bare", async () => {
    const { publicKey } = await signingKey(KEYS);
    const fan = await holderKeys();
    expect(await isHolderKey(fan.publicKey)).toBe(true);
    const pass = await issuePass(KEYS, TICKET, STARTS, fan.publicKey);
    const t = now();
    const code = await rotatingCode(pass, fan.privateKey, t, CODE_WINDOW_SECONDS);
    const fresh = await checkTicketCode(code, [publicKey], t, OPTIONS);
    expect(fresh).toMatchObject({ ok: true, kind: "rotating", ticketId: TICKET.ticketId, version: 1 });
    // The same code a little later still passes (a slow queue at the gate)…
    expect(await checkTicketCode(code, [publicKey], t + 90, OPTIONS)).toMatchObject({ ok: true });
    // …but not a screenshot older than two minutes.
    expect(await checkTicketCode(code, [publicKey], t + MAX_CODE_AGE_SECONDS + CODE_WINDOW_SECONDS, OPTIONS)).toMatchObject({ ok: false, reason: "stale" });
    // The pass alone (a screenshot of its text) is not a code.
    expect(await checkTicketCode(pass, [publicKey], t, OPTIONS)).toMatchObject({ ok: false, reason: "stale" });
    // Someone else's key signing for this pass.
    const thief = await holderKeys();
    const stolen = await rotatingCode(pass, thief.privateKey, t, CODE_WINDOW_SECONDS);
    expect(await checkTicketCode(stolen, [publicKey], t, OPTIONS)).toMatchObject({ ok: false, reason: "invalid" });
    // A code dated ahead (to outlive the two minutes) is refused.
    const ahead = await rotatingCode(pass, fan.privateKey, t + 600, CODE_WINDOW_SECONDS);
    expect(await checkTicketCode(ahead, [publicKey], t, OPTIONS)).toMatchObject({ ok: false, reason: "stale" });
  });

  it("codes change every window", async () => {
    const fan = await holderKeys();
    const pass = await issuePass(KEYS, TICKET, STARTS, fan.publicKey);
    const t = now() - (now() % CODE_WINDOW_SECONDS);
    const a = await rotatingCode(pass, fan.privateKey, t, CODE_WINDOW_SECONDS);
    const b = await rotatingCode(pass, fan.privateKey, t + CODE_WINDOW_SECONDS, CODE_WINDOW_SECONDS);
    expect(a.split("~")[1]).not.toBe(b.split("~")[1]);
  });

  it("rejects malformed holder keys", async () => {
    expect(await isHolderKey("x".repeat(87))).toBe(false);
    expect(await isHolderKey("abc")).toBe(false);
  });
});
