/** Door kits and offline scans: what a device needs to admit alone, and how its uploads are merged (conflicts reported, not merged). */
import { describe, expect, it } from "vitest";
import { checkTicketCode } from "../../src/shared/ticket-codes";
import { call, json, problem, tokenFor, word } from "../helpers";
import { checkin, doorStaff, ticketsAtTheDoor, transfer } from "./door-helpers";

interface Kit {
  eventId: string;
  keys: { kid: string; x: string }[];
  windowSeconds: number;
  maxCodeAgeSeconds: number;
  printCodes: boolean;
  total: number;
  admitted: { ticketId: string; bookingId: string; gate: string }[];
  void: { ticketId: string; bookingId: string; minVersion: number | null }[];
  conflicts: { ticketId: string; gate: string; device: string; firstGate: string }[];
  since: string | null;
  cursor: string;
}

interface Results {
  results: { ticketId: string | null; outcome: string; gate?: string }[];
  conflicts: number;
}

const kit = async (token: string, eventId: string, since?: string) =>
  json<Kit>(await call("GET", `/api/events/${eventId}/door-kit${since ? `?since=${since}` : ""}`, { token }), 200);
const upload = (token: string, eventId: string, deviceId: string, scans: { token: string; gate: string; scannedAt: string }[]) =>
  call("POST", `/api/events/${eventId}/door-kit/scans`, { token, body: { deviceId, scans } });

describe("the door kit", () => {
  it("lets a device check codes alone: the public key verifies them, and transfers and refunds are listed void", async () => {
    const at = await ticketsAtTheDoor([0, 1, 2]);
    await json(await transfer(at.token, at.bookingId, [at.event.tickets(1)], { userId: `friend-${word(6)}` }), 200);
    await json(await call("POST", `/api/organizer/bookings/${at.bookingId}/refund`, { token: at.event.organizer, body: { ticketIds: [at.event.tickets(2)] } }), 200);
    await json(await checkin(at.door, at.code(0), "north"), 200);
    const k = await kit(at.door, at.event.id);
    expect(k).toMatchObject({ eventId: at.event.id, windowSeconds: 30, maxCodeAgeSeconds: 120, printCodes: true, total: 2 });
    expect(k.admitted).toEqual([expect.objectContaining({ ticketId: at.event.tickets(0), bookingId: at.bookingId, gate: "north" })]);
    expect(k.void.sort((a, b) => a.ticketId.localeCompare(b.ticketId))).toEqual([
      { ticketId: at.event.tickets(1), bookingId: at.bookingId, minVersion: 2 },
      { ticketId: at.event.tickets(2), bookingId: at.bookingId, minVersion: null },
    ]);
    // What a device does with it: the signature checks out with the kit's key alone.
    const check = await checkTicketCode(at.code(0), k.keys, Math.floor(Date.now() / 1000), { maxAgeSeconds: k.maxCodeAgeSeconds, windowSeconds: k.windowSeconds, printCodes: k.printCodes });
    expect(check).toMatchObject({ ok: true, ticketId: at.event.tickets(0), bookingId: at.bookingId, version: 1 });
    await problem(await call("GET", `/api/events/${at.event.id}/door-kit`, { token: await doorStaff(await tokenFor(`organizer-${word()}`, ["organizer"])) }), 404);
  });

  it("offline scans: admitted when uploaded, a retried upload is a duplicate, the same ticket from another gate is a conflict", async () => {
    const at = await ticketsAtTheDoor([3, 4]);
    const earlier = new Date(Date.now() - 20_000).toISOString();
    const later = new Date(Date.now() - 10_000).toISOString();
    const first = await json<Results>(await upload(at.door, at.event.id, "device-north", [{ token: at.code(0), gate: "north", scannedAt: earlier }]), 200);
    expect(first).toEqual({ results: [{ ticketId: at.event.tickets(3), outcome: "admitted", admittedAt: earlier, gate: "north" }], conflicts: 0 });
    const retried = await json<Results>(await upload(at.door, at.event.id, "device-north", [{ token: at.code(0), gate: "north", scannedAt: earlier }]), 200);
    expect(retried.results[0]?.outcome).toBe("duplicate");
    const other = await json<Results>(
      await upload(at.door, at.event.id, "device-south", [
        { token: at.code(0), gate: "south", scannedAt: later },
        { token: at.code(1), gate: "south", scannedAt: later },
        { token: "garbage-garbage-garbage-garbage", gate: "south", scannedAt: later },
      ]),
      200,
    );
    expect(other.results.map((r) => r.outcome)).toEqual(["conflict", "admitted", "invalid"]);
    expect(other.results[0]).toMatchObject({ gate: "north" });
    expect(other.conflicts).toBe(1);
    const k = await kit(at.door, at.event.id);
    expect(k.conflicts).toEqual([expect.objectContaining({ ticketId: at.event.tickets(3), gate: "south", device: "device-south", firstGate: "north" })]);
    const stats = await json<{ admitted: number; total: number; conflicts: number }>(await call("GET", `/api/events/${at.event.id}/door/stats`, { token: at.door }), 200);
    expect(stats).toEqual({ admitted: 2, total: 2, conflicts: 1 });
    // Online, the ticket admitted offline is already in.
    expect(((await problem(await checkin(at.door, at.code(1)), 409)) as unknown as { reason: string }).reason).toBe("already admitted");
  });

  it("refuses uploads of scans from the future, and bad uploads", async () => {
    const at = await ticketsAtTheDoor([5]);
    const future = await json<Results>(await upload(at.door, at.event.id, "device-x", [{ token: at.code(0), gate: "north", scannedAt: new Date(Date.now() + 3_600_000).toISOString() }]), 200);
    expect(future.results[0]?.outcome).toBe("invalid");
    await problem(await upload(at.door, at.event.id, "x", [{ token: at.code(0), gate: "north", scannedAt: new Date().toISOString() }]), 400);
    await problem(await upload(at.door, at.event.id, "device-x", []), 400);
    await problem(await upload(at.door, at.event.id, "device-x", [{ token: at.code(0), gate: "north", scannedAt: "yesterday" }]), 400);
  });
});

describe("the organizer's figures of the door", () => {
  it("the sales report counts check-ins live, and the attendee list names who holds each ticket now", async () => {
    const at = await ticketsAtTheDoor([0, 1]);
    const friendId = `friend-${word(6)}`;
    await json(await transfer(at.token, at.bookingId, [at.event.tickets(1)], { userId: friendId }), 200);
    await json(await checkin(at.door, at.code(0)), 200);
    const report = await json<{ checkIns: unknown }>(await call("GET", `/api/events/${at.event.id}/report`, { token: at.event.organizer }), 200);
    expect(report.checkIns).toEqual({ admitted: 1, total: 2, conflicts: 0 });
    const csv = await (await call("GET", `/api/events/${at.event.id}/attendees.csv`, { token: at.event.organizer })).text();
    const rows = csv.trim().split("\r\n").map((line) => line.split(","));
    const holder = rows[0]?.indexOf("holder") ?? -1;
    const buyer = rows[0]?.indexOf("fan_user_id") ?? -1;
    expect(holder).toBeGreaterThan(buyer);
    expect(rows.slice(1).map((r) => [r[0], r[holder] === r[buyer] ? "buyer" : r[holder]])).toEqual([
      [at.event.tickets(0), "buyer"],
      [at.event.tickets(1), friendId],
    ]);
  });
});

describe("door kits that continue", () => {
  it("?since=<cursor> lists only the admissions and conflicts recorded since, offline uploads of early scans included", async () => {
    const at = await ticketsAtTheDoor([0, 1, 2]);
    await json(await checkin(at.door, at.code(0), "north"), 200);
    const whole = await kit(at.door, at.event.id);
    expect(whole).toMatchObject({ since: null, admitted: [expect.objectContaining({ ticketId: at.event.tickets(0) })] });
    const nothingNew = await kit(at.door, `${at.event.id}`, whole.cursor);
    expect(nothingNew).toMatchObject({ since: whole.cursor, cursor: whole.cursor, admitted: [], conflicts: [], total: 3 });
    // An offline scan made before the first kit, uploaded after it: recorded now, so it is in the next delta.
    const early = new Date(Date.now() - 5_000).toISOString();
    await json(await upload(at.door, at.event.id, "device-late", [{ token: at.code(1), gate: "east", scannedAt: early }, { token: at.code(0), gate: "east", scannedAt: early }]), 200);
    const delta = await kit(at.door, at.event.id, whole.cursor);
    expect(delta.admitted).toEqual([expect.objectContaining({ ticketId: at.event.tickets(1), gate: "east", at: early })]);
    expect(delta.conflicts).toEqual([expect.objectContaining({ ticketId: at.event.tickets(0), gate: "east", firstGate: "north" })]);
    expect(delta.cursor).not.toBe(whole.cursor);
    await problem(await call("GET", `/api/events/${at.event.id}/door-kit?since=yesterday`, { token: at.door }), 400);
  });
});
