/**
 * Attacks on who may make, read and change an event's codes and fees, and
 * hostile input to them: a rival organizer, a fan, door staff, no token;
 * wrong types, huge, negative and fractional numbers, extra fields, raw
 * JSON tricks. Every refusal is a 4xx application/problem+json that changes
 * nothing. Also: guessing codes as a fan is rate limited.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
import { fan, smallEvent } from "../booking-helpers";
import { call, json, problem, tokenFor, withinOneRateWindow, word } from "../helpers";
import { codes, FEES, newCode, patchCode, withCode } from "./code-helpers";

async function send(path: string, init: RequestInit): Promise<Response> {
  return app.fetch(new Request(`http://tickets.test${path}`, { redirect: "manual", ...init }), env, createExecutionContext());
}

const orgOf = (token: string) => (JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { org: string | null }).org;

async function expect4xx(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${text.slice(0, 200)}`).toBeLessThan(500);
  expect(res.headers.get("content-type"), what).toBe("application/problem+json");
}

describe("tenancy of codes and fees", () => {
  it("another org's organizer, a fan, the org's door staff and anonymous callers can neither see, make nor change an event's codes or fees", async () => {
    const event = await smallEvent({ fees: FEES });
    const made = await newCode(event.id, event.organizer, { code: "VICTIM", kind: "promo", discount: { percentBp: 1000 }, maxUses: 2 });
    const rival = await tokenFor(`rival-${word(4)}`, ["organizer"], `rival-${word(6)}`);
    const callers: [string, string | undefined, number][] = [
      ["rival organizer", rival, 404],
      ["fan", await fan(), 403],
      ["fan claiming the org", await tokenFor(`fan-${word(4)}`, ["fan"], orgOf(event.organizer) ?? undefined), 403],
      ["door staff", await tokenFor(`door-${word(4)}`, ["door"], orgOf(event.organizer) ?? undefined), 403],
      ["nobody", undefined, 401],
    ];
    for (const [who, token, status] of callers) {
      await problem(await call("GET", `/api/events/${event.id}/codes`, { token }), status);
      await problem(await call("POST", `/api/events/${event.id}/codes`, { token, body: { code: "MINE99", kind: "promo", discount: { percentBp: 10_000 }, maxUses: 1000 } }), status);
      await problem(await patchCode(event.id, token ?? "", made.codeId, { maxUses: 1_000_000, disabled: false }), status === 401 ? 401 : status);
      const fees = await call("PATCH", `/api/events/${event.id}`, { token, body: { fees: { feeFixedCents: 0, feePercentBp: 0, taxRateBp: 0 } } });
      expect(fees.status, who).toBeGreaterThanOrEqual(401);
      expect(fees.status, who).toBeLessThan(500);
      await fees.body?.cancel();
    }
    const listed = await codes(event.id, event.organizer);
    expect(listed.map((c) => [c.code, c.maxUses, c.disabled])).toEqual([["VICTIM", 2, false]]);
    const detail = await json<{ fees: typeof FEES }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.fees).toEqual(FEES);
  });

  it("a rival cannot reach a victim's code through their own event's path, nor an organizer through another of their events", async () => {
    const victim = await smallEvent();
    const made = await newCode(victim.id, victim.organizer, { code: "CROSS", kind: "promo", discount: { fixedCents: 100 }, maxUses: 1 });
    const rivalEvent = await smallEvent();
    await problem(await patchCode(rivalEvent.id, rivalEvent.organizer, made.codeId, { maxUses: 999 }), 404);
    await problem(await patchCode(rivalEvent.id, rivalEvent.organizer, made.codeId, { disabled: true }), 404);
    // The victim's code works only on the victim's event.
    await problem(await withCode(await fan(), [rivalEvent.tickets(0)], "CROSS"), 404);
    expect((await codes(victim.id, victim.organizer))[0]).toMatchObject({ maxUses: 1, disabled: false });
    // The victim's own second event does not reach the first event's code either.
    const second = await json<{ id: string }>(
      await call("POST", "/api/events", {
        token: victim.organizer,
        body: await (async () => {
          const detail = await json<{ venue: { id: string }; performer: { id: string } }>(await call("GET", `/api/events/${victim.id}`), 200);
          return { name: `Second ${word(5)}`, type: "concert", startsAt: "2027-06-02T19:30:00Z", venueId: detail.venue.id, performerId: detail.performer.id, prices: [{ section: "Stalls", priceCents: 5000 }, { section: "Floor", priceCents: 3000 }] };
        })(),
      }),
      201,
    );
    await problem(await patchCode(second.id, victim.organizer, made.codeId, { maxUses: 999 }), 404);
    expect((await codes(victim.id, victim.organizer))[0]).toMatchObject({ maxUses: 1 });
  });

  it("the OpenAPI document covers the code routes and the reserve's code", async () => {
    const doc = await json<{ paths: Record<string, Record<string, { operationId?: string }>>; components: { schemas: Record<string, unknown> } }>(await call("GET", "/api/openapi.json"), 200);
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(operations).toEqual(expect.arrayContaining(["createCode", "listCodes", "changeCode", "reserveSeats"]));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["CodeCreate", "CodePatch", "Code", "Fees"]));
    expect(JSON.stringify(doc.components.schemas.ReserveRequest)).toContain("code");
  });
});

describe("hostile input to codes and fees", () => {
  it("hostile code bodies are a 4xx problem and create nothing", async () => {
    const event = await smallEvent();
    const auth = { authorization: `Bearer ${event.organizer}`, "content-type": "application/json" };
    const base = { code: "GOOD1", kind: "promo", discount: { percentBp: 1000 }, maxUses: 5 };
    const bodies: [string, string][] = [
      ["maxUses huge", JSON.stringify({ ...base, maxUses: 1e12 })],
      ["maxUses 1e309", '{"code":"GOOD1","kind":"presale","maxUses":1e309}'],
      ["maxUses negative", JSON.stringify({ ...base, maxUses: -1 })],
      ["maxUses float", JSON.stringify({ ...base, maxUses: 1.5 })],
      ["maxUses string", JSON.stringify({ ...base, maxUses: "5" })],
      ["maxUses -0 presale", '{"code":"GOOD1","kind":"presale","maxUses":-0}'],
      ["percent 0", JSON.stringify({ ...base, discount: { percentBp: 0 } })],
      ["percent over 100 %", JSON.stringify({ ...base, discount: { percentBp: 10_001 } })],
      ["percent negative", JSON.stringify({ ...base, discount: { percentBp: -500 } })],
      ["percent float", JSON.stringify({ ...base, discount: { percentBp: 12.5 } })],
      ["fixed negative", JSON.stringify({ ...base, discount: { fixedCents: -100 } })],
      ["fixed huge", JSON.stringify({ ...base, discount: { fixedCents: 2 ** 53 } })],
      ["fixed 0", JSON.stringify({ ...base, discount: { fixedCents: 0 } })],
      ["both discounts", JSON.stringify({ ...base, discount: { percentBp: 100, fixedCents: 100 } })],
      ["empty discount", JSON.stringify({ ...base, discount: {} })],
      ["discount null", JSON.stringify({ ...base, discount: null })],
      ["discount extra field", JSON.stringify({ ...base, discount: { percentBp: 100, currency: "eur" } })],
      ["unknown kind", JSON.stringify({ ...base, kind: "comp" })],
      ["presale with sections", JSON.stringify({ code: "GOOD1", kind: "presale", sections: ["Floor"], maxUses: 1 })],
      ["sections empty", JSON.stringify({ ...base, sections: [] })],
      ["sections not strings", JSON.stringify({ ...base, sections: [1, 2] })],
      ["sections 501", JSON.stringify({ ...base, sections: Array.from({ length: 501 }, () => "Floor") })],
      ["extra field uses", JSON.stringify({ ...base, uses: { reserved: -5, spent: 0 } })],
      ["extra field eventId", JSON.stringify({ ...base, eventId: "ev_0000000000000000" })],
      ["extra field disabled", JSON.stringify({ ...base, disabled: false, createdBy: "admin" })],
      ["window backwards", JSON.stringify({ ...base, startsAt: "2027-01-02T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" })],
      ["window equal", JSON.stringify({ ...base, startsAt: "2027-01-01T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" })],
      ["bad instant", JSON.stringify({ ...base, endsAt: "tomorrow" })],
      ["instant without offset", JSON.stringify({ ...base, endsAt: "2027-01-01T00:00:00" })],
      ["code with space", JSON.stringify({ ...base, code: "GOOD 1" })],
      ["code with percent", JSON.stringify({ ...base, code: "100%OFF" })],
      ["code SQL", JSON.stringify({ ...base, code: "A'; drop table event_codes; --" })],
      ["code too short", JSON.stringify({ ...base, code: "AB" })],
      ["code unicode", JSON.stringify({ ...base, code: "CAFÉ10" })],
      ["code NUL", JSON.stringify({ ...base, code: "GOOD\u00001" })],
      ["code lone surrogate", '{"code":"GOOD\\ud8001","kind":"presale","maxUses":1}'],
      ["duplicate keys", '{"code":"GOOD1","code":"GOOD2","kind":"presale","maxUses":1,"maxUses":-1}'],
      ["array", JSON.stringify([base])],
      ["null", "null"],
      ["truncated", '{"code":"GOOD1","kind":'],
      ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ];
    for (const [name, body] of bodies) {
      await expect4xx(await send(`/api/events/${event.id}/codes`, { method: "POST", headers: auth, body }), name);
    }
    await expect4xx(await send(`/api/events/${event.id}/codes`, { method: "POST", headers: { authorization: auth.authorization, "content-type": "text/plain" }, body: JSON.stringify(base) }), "text/plain");
    expect(await codes(event.id, event.organizer)).toEqual([]);
  });

  it("hostile code patches and code ids are a 4xx problem and change nothing", async () => {
    const event = await smallEvent();
    const made = await newCode(event.id, event.organizer, { code: "KEEP1", kind: "promo", discount: { fixedCents: 100 }, maxUses: 3 });
    const auth = { authorization: `Bearer ${event.organizer}`, "content-type": "application/json" };
    const patches = [
      "{}",
      '{"maxUses":-1}',
      '{"maxUses":1000001}',
      '{"maxUses":2.5}',
      '{"maxUses":"3"}',
      '{"maxUses":null}',
      '{"disabled":"true"}',
      '{"disabled":1}',
      '{"discount":{"percentBp":10000}}',
      '{"kind":"presale"}',
      '{"code":"OTHER1"}',
      '{"sections":["Floor"]}',
      '{"startsAt":"not a date"}',
      '{"startsAt":"2027-01-02T00:00:00Z","endsAt":"2027-01-01T00:00:00Z"}',
      "null",
      "[]",
    ];
    for (const body of patches) {
      await expect4xx(await send(`/api/events/${event.id}/codes/${made.codeId}`, { method: "PATCH", headers: auth, body }), body);
    }
    // An end before the start already stored is refused too.
    await json(await patchCode(event.id, event.organizer, made.codeId, { startsAt: "2027-03-01T00:00:00Z" }), 200);
    await problem(await patchCode(event.id, event.organizer, made.codeId, { endsAt: "2027-02-01T00:00:00Z" }), 400);
    for (const codeId of ["cd_0000000000000000", "cd_", "CD_0000000000000000", "cd_000000000000000%00", "..%2F..%2Fevents", "x".repeat(5000)]) {
      await expect4xx(await send(`/api/events/${event.id}/codes/${codeId}`, { method: "PATCH", headers: auth, body: '{"maxUses":9}' }), codeId.slice(0, 30));
    }
    expect((await codes(event.id, event.organizer))[0]).toMatchObject({ code: "KEEP1", maxUses: 3, disabled: false, startsAt: "2027-03-01T00:00:00.000Z", endsAt: null });
  });

  it("hostile fees on create and change are a 4xx problem; the event keeps its fees", async () => {
    const event = await smallEvent({ fees: FEES });
    const auth = { authorization: `Bearer ${event.organizer}`, "content-type": "application/json" };
    const fees = [
      '{"feeFixedCents":-1,"feePercentBp":0,"taxRateBp":0}',
      '{"feeFixedCents":100000001,"feePercentBp":0,"taxRateBp":0}',
      '{"feeFixedCents":1e309,"feePercentBp":0,"taxRateBp":0}',
      '{"feeFixedCents":0.5,"feePercentBp":0,"taxRateBp":0}',
      '{"feeFixedCents":"150","feePercentBp":0,"taxRateBp":0}',
      '{"feeFixedCents":0,"feePercentBp":10001,"taxRateBp":0}',
      '{"feeFixedCents":0,"feePercentBp":0,"taxRateBp":-1}',
      '{"feeFixedCents":0,"feePercentBp":0,"taxRateBp":99999999999}',
      '{"feeFixedCents":0,"feePercentBp":0}',
      '{"feeFixedCents":0,"feePercentBp":0,"taxRateBp":0,"currency":"eur"}',
      '{"feeFixedCents":null,"feePercentBp":0,"taxRateBp":0}',
      "null",
      "[]",
      '"none"',
      "0",
    ];
    for (const f of fees) {
      await expect4xx(await send(`/api/events/${event.id}`, { method: "PATCH", headers: auth, body: `{"fees":${f}}` }), f);
    }
    const detail = await json<{ fees: typeof FEES }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.fees).toEqual(FEES);
    // The room still charges them.
    const h = await json<{ totalCents: number }>(await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketIds: [event.tickets(0)] } }), 201);
    expect(h.totalCents).toBe(6837);
  });
});

describe("guessing codes", () => {
  it("a fan trying codes one after another is stopped by the per-fan hold limit (60 a minute), and a guess takes no use", async () => {
    const event = await smallEvent();
    await newCode(event.id, event.organizer, { code: "SECRET", kind: "presale", maxUses: 1 });
    const token = await fan();
    await withinOneRateWindow(20);
    const seen: number[] = [];
    for (let i = 0; i < 65; i++) {
      const res = await withCode(token, [event.tickets(0)], `GUESS${i.toString(36).toUpperCase().padStart(3, "0")}`);
      seen.push(res.status);
      await res.body?.cancel();
    }
    expect(seen.slice(0, 60).every((s) => s === 404)).toBe(true);
    expect(seen.slice(60).every((s) => s === 429)).toBe(true);
    // Even the right code is refused for the rest of the minute.
    expect((await withCode(token, [event.tickets(0)], "SECRET")).status).toBe(429);
    expect((await codes(event.id, event.organizer))[0]?.uses).toEqual({ reserved: 0, spent: 0 });
  });
});
