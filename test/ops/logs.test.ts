/**
 * Structured logs: one JSON line per step, a request id carried from the
 * Worker into the rooms, and a hold's whole life found by grepping its id;
 * users hashed, and never a token or an email address in a line.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signToken } from "../../workers/api/auth";
import { hashUser, step } from "../../src/shared/log";
import { call, word } from "../helpers";
import { checkout, hold, pay, smallEvent } from "../booking-helpers";

type Line = Record<string, unknown>;

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  for (const level of ["log", "warn", "error", "info"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
  }
});
afterEach(() => vi.restoreAllMocks());

const parsed = (): Line[] => lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Line);
const grep = (text: string): Line[] => lines.filter((l) => l.includes(text)).map((l) => JSON.parse(l) as Line);

describe("a hold's life in the logs", () => {
  it("is one grep of its id away: the requests, the room's steps, the payment and the sale, tied by request ids", async () => {
    const event = await smallEvent();
    const userId = `fan-${word(6)}`;
    const email = `logged.${word(6)}@example.test`;
    const token = await signToken(env, { id: userId, roles: ["fan"], email });
    const held = await hold(token, [event.tickets(0), event.tickets(1)]);
    const { paymentIntentId } = await checkout(token, held.holdId);
    await pay(paymentIntentId);
    await expect.poll(() => grep(held.holdId).some((l) => l.event === "room.mark_sold")).toBe(true);

    const life = grep(held.holdId);
    const events = life.map((l) => l.event);
    for (const expected of ["request", "room.reserve", "hold_created", "room.checkout", "room.attach_payment", "checkout_started", "room.claim", "booking_written", "room.mark_sold", "seats_sold"]) {
      expect(events, expected).toContain(expected);
    }
    // The reserve request's id is the one its room step carries.
    const reserveRequest = life.find((l) => l.event === "request" && l.route === "/api/booking/reserve");
    expect(reserveRequest).toMatchObject({ method: "POST", outcome: "201", eventId: event.id, holdId: held.holdId, user: hashUser(userId) });
    const roomReserve = life.find((l) => l.event === "room.reserve");
    expect(roomReserve?.requestId).toBe(reserveRequest?.requestId);
    expect(roomReserve).toMatchObject({ outcome: "held", eventId: event.id });
    expect(typeof roomReserve?.durationMs).toBe("number");
    // The webhook's request and the room steps it caused share an id too.
    const webhook = life.find((l) => l.event === "request" && l.route === "/api/webhooks/stripe" && l.outcome === "200");
    expect(webhook?.paymentIntentId).toBe(paymentIntentId);
    const sold = life.find((l) => l.event === "room.mark_sold");
    expect(life.filter((l) => l.requestId === sold?.requestId).map((l) => l.event)).toContain("booking_written");

    // Every line is JSON; the fan is a hash; no token, no address.
    const all = parsed();
    expect(all.length).toBe(lines.filter((l) => l.startsWith("{")).length);
    expect(lines.filter((l) => l.includes(userId))).toEqual([]);
    expect(lines.filter((l) => l.includes(token) || l.includes(token.split(".")[2] ?? "-"))).toEqual([]);
    expect(lines.filter((l) => l.includes(email) || /[\w.+-]+@example\.test/.test(l))).toEqual([]);
  });

  it("a hold that lapses ends in the logs with its id, from the room's alarm", async () => {
    const event = await smallEvent();
    const held = await hold(await signToken(env, { id: `fan-${word(6)}`, roles: ["fan"] }), [event.tickets(3)]);
    const { runAlarm, travel } = await import("../booking-helpers");
    await travel(event.id, 11 * 60_000);
    await runAlarm(event.id);
    expect(grep(held.holdId).find((l) => l.event === "hold_ended")).toMatchObject({ state: "expired", kind: "expired", seats: 1 });
  });
});

describe("request ids", () => {
  it("come back as X-Request-Id, are Cloudflare's ray id when there is one, and a query string is never logged", async () => {
    const res = await call("GET", "/api/search?q=secret-query-text", { headers: { "cf-ray": "8f1e2d3c4b5a6978-LHR" } });
    await res.body?.cancel();
    expect(res.headers.get("x-request-id")).toBe("8f1e2d3c4b5a6978-LHR");
    const line = grep("8f1e2d3c4b5a6978-LHR").find((l) => l.event === "request");
    expect(line).toMatchObject({ method: "GET", route: "/api/search", outcome: String(res.status) });
    expect(lines.filter((l) => l.includes("secret-query-text"))).toEqual([]);

    const other = await call("GET", "/api/health");
    await other.body?.cancel();
    expect(other.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a 4xx is logged as its status, with the route's pattern and the event, not the raw path's other parts", async () => {
    const event = await smallEvent();
    const res = await call("GET", `/api/events/${event.id}/ops`, { token: await signToken(env, { id: "nosy-fan", roles: ["fan"] }) });
    expect(res.status).toBe(403);
    await res.body?.cancel();
    const line = grep(event.id).find((l) => l.event === "request" && l.route === "/api/events/:eventId/ops");
    expect(line).toMatchObject({ outcome: "403", eventId: event.id, user: hashUser("nosy-fan") });
  });
});

describe("the step figures", () => {
  it("each step is one Analytics Engine datapoint: indexed by event, blobs step/outcome/event/request, the duration a double", () => {
    // Locally the binding keeps nothing, so the datapoints are read where they are written.
    const points: AnalyticsEngineDataPoint[] = [];
    const sink = { OPS_METRICS: { writeDataPoint: (point?: AnalyticsEngineDataPoint) => void (point && points.push(point)) } };
    step(sink, { step: "room.reserve", requestId: "req-1", eventId: "ev_abc", holdId: "hd_abc_123456789012", userId: "fan-1", outcome: "held", durationMs: 12.34 });
    step(sink, { step: "request", requestId: "req-2", outcome: "404", durationMs: 1 });
    expect(points).toEqual([
      { indexes: ["ev_abc"], blobs: ["room.reserve", "held", "ev_abc", "req-1"], doubles: [12.34, 0] },
      { indexes: ["none"], blobs: ["request", "404", "", "req-2"], doubles: [1, 0] },
    ]);
    const [line] = grep("req-1");
    expect(line).toMatchObject({ level: "info", event: "room.reserve", outcome: "held", durationMs: 12.3, user: hashUser("fan-1"), holdId: "hd_abc_123456789012" });
    expect(line).not.toHaveProperty("userId");
  });

  it("a sink that throws never fails the step", () => {
    const sink = { OPS_METRICS: { writeDataPoint: () => { throw new Error("dataset unavailable"); } } };
    expect(() => step(sink, { step: "request", outcome: "200", durationMs: 1 })).not.toThrow();
    expect(lines.some((l) => l.includes("metrics_write_failed"))).toBe(true);
  });
});
