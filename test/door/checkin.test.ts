/** Check-in at the door: one admission per ticket whatever the gates do, void and forged codes refused, rotating codes' age. */
import { describe, expect, it } from "vitest";
import { CODE_WINDOW_SECONDS, rotatingCode } from "../../src/shared/ticket-codes";
import { fan } from "../booking-helpers";
import { call, json, organizerToken, problem, tokenFor } from "../helpers";
import { checkin, doorStaff, holderKeys, myTickets, ticketsAtTheDoor } from "./door-helpers";

interface Refusal {
  admitted: false;
  reason: string;
  admittedAt?: string;
  gate?: string;
}

const refusal = async (response: Response) => (await problem(response, 409)) as unknown as Refusal;

describe("check-in", () => {
  it("admits a ticket once: the second scan says when and where it was admitted", async () => {
    const at = await ticketsAtTheDoor([0, 1]);
    expect(at.tickets.map((t) => t.state)).toEqual(["valid", "valid"]);
    const first = await json<{ admitted: boolean; ticketId: string; section: string; seat: string; gate: string }>(await checkin(at.door, at.code(0), "north"), 200);
    expect(first).toMatchObject({ admitted: true, ticketId: at.event.tickets(0), section: "Stalls", gate: "north" });
    const again = await refusal(await checkin(at.door, at.code(0), "south"));
    expect(again).toMatchObject({ admitted: false, reason: "already admitted", gate: "north" });
    expect(Date.parse(again.admittedAt ?? "")).toBeGreaterThan(0);
    expect((await myTickets(at.token)).map((t) => t.state)).toEqual(["admitted", "valid"]);
    const stats = await json<{ admitted: number; total: number }>(await call("GET", `/api/events/${at.event.id}/door/stats`, { token: at.door }), 200);
    expect(stats).toMatchObject({ admitted: 1, total: 2 });
  });

  it("two gates scanning the same ticket at the same moment admit it once", async () => {
    const at = await ticketsAtTheDoor([2]);
    const gates = ["north", "south", "east", "west", "vip"];
    const answers = await Promise.all(gates.map((gate) => checkin(at.door, at.code(0), gate)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const winner = gates[answers.findIndex((a) => a.status === 200)];
    for (const answer of answers.filter((a) => a.status === 409)) expect(await refusal(answer)).toMatchObject({ reason: "already admitted", gate: winner });
  });

  it("an organizer of the event's org may check in; another org's staff and fans may not", async () => {
    const at = await ticketsAtTheDoor([3]);
    await problem(await checkin(await fan(), at.code(0)), 403);
    await problem(await checkin(await doorStaff(await organizerToken()), at.code(0)), 404);
    await json(await checkin(at.event.organizer, at.code(0)), 200);
  });

  it("refuses forged and damaged codes as invalid, and a refunded ticket as void", async () => {
    const at = await ticketsAtTheDoor([4, 5]);
    const code = at.code(0);
    const tampered = `${code.slice(0, -4)}${code.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    expect(await refusal(await checkin(at.door, tampered))).toMatchObject({ reason: "invalid" });
    expect(await refusal(await checkin(at.door, "this-is-not-a-ticket-code-at-all"))).toMatchObject({ reason: "invalid" });
    await json(await call("POST", `/api/organizer/bookings/${at.bookingId}/refund`, { token: at.event.organizer, body: { ticketIds: [at.event.tickets(5)] } }), 200);
    expect(await refusal(await checkin(at.door, at.code(1)))).toMatchObject({ reason: "void" });
    expect((await myTickets(at.token)).map((t) => [t.state, t.pass === null])).toEqual([["valid", false], ["void", true]]);
    await json(await checkin(at.door, code), 200);
  });

  it("rotating codes: a fresh one admits, one older than two minutes is stale, someone else's key is invalid", async () => {
    const at = await ticketsAtTheDoor([6, 7]);
    const device = await holderKeys();
    const [a, b] = await myTickets(at.token, device.publicKey);
    const now = Math.floor(Date.now() / 1000);
    const stale = await rotatingCode(a?.pass ?? "", device.privateKey, now - 200, CODE_WINDOW_SECONDS);
    expect(await refusal(await checkin(at.door, stale))).toMatchObject({ reason: "stale" });
    // The pass alone, copied off the screen, is not a code.
    expect(await refusal(await checkin(at.door, a?.pass ?? ""))).toMatchObject({ reason: "stale" });
    const thief = await holderKeys();
    expect(await refusal(await checkin(at.door, await rotatingCode(b?.pass ?? "", thief.privateKey, now, CODE_WINDOW_SECONDS)))).toMatchObject({ reason: "invalid" });
    await json(await checkin(at.door, await rotatingCode(a?.pass ?? "", device.privateKey, now, CODE_WINDOW_SECONDS)), 200);
  });

  it("answers bad input with problems, never a 5xx", async () => {
    const at = await ticketsAtTheDoor([0]);
    await problem(await call("POST", "/api/checkin", { token: at.door, body: { gate: "north" } }), 400);
    await problem(await call("POST", "/api/checkin", { token: at.door, body: { token: at.code(0), gate: "<script>" } }), 400);
    await problem(await call("POST", "/api/checkin", { token: at.door, body: { token: "x".repeat(5000) } }), 400);
    await problem(await call("POST", "/api/checkin", { body: { token: at.code(0) } }), 401);
    const other = await refusal(await call("POST", "/api/checkin", { token: at.door, body: { token: at.code(0), eventId: "ev_someotherevent" } }));
    expect(other.reason).toBe("invalid");
    await problem(await call("GET", `/api/me/tickets?holderKey=${"A".repeat(87)}`, { token: at.token }), 400);
    await problem(await call("GET", `/api/events/${at.event.id}/door-kit`, { token: await tokenFor("fan-x", ["fan"]) }), 403);
  });
});
