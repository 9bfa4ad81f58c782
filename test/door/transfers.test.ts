/** Transfers: ownership moves per ticket, old codes die at the door at once, and admitted or refunded tickets stay put. */
import { describe, expect, it } from "vitest";
import { fan, query } from "../booking-helpers";
import { call, json, problem, tokenFor, word } from "../helpers";
import { checkin, fanWithEmail, myTickets, ticketsAtTheDoor, transfer } from "./door-helpers";

const voidAtTheDoor = async (door: string, code: string) => {
  const body = (await problem(await checkin(door, code), 409)) as unknown as { reason: string };
  expect(body.reason).toBe("void");
};

describe("transferring tickets", () => {
  it("voids the old code at once; the recipient's new code admits; the buyer no longer lists the ticket", async () => {
    const at = await ticketsAtTheDoor([0, 1]);
    const friendId = `friend-${word(6)}`;
    const friend = await tokenFor(friendId, ["fan"]);
    const moved = await json<{ tickets: { id: string; codeVersion: number }[] }>(await transfer(at.token, at.bookingId, [at.event.tickets(0)], { userId: friendId }), 200);
    expect(moved.tickets).toEqual([{ id: at.event.tickets(0), codeVersion: 2 }]);
    await voidAtTheDoor(at.door, at.code(0));
    expect((await myTickets(at.token)).map((t) => t.id)).toEqual([at.event.tickets(1)]);
    const received = await myTickets(friend);
    expect(received).toMatchObject([{ id: at.event.tickets(0), received: true, state: "valid" }]);
    await json(await checkin(at.door, received[0]?.pass ?? ""), 200);
    // The buyer's booking shows the ticket as transferred, with no code.
    const booking = await json<{ tickets: { id: string; transferred: boolean; token: string | null }[] }>(await call("GET", `/api/bookings/${at.bookingId}`, { token: at.token }), 200);
    expect(booking.tickets.map((t) => [t.transferred, t.token === null])).toEqual([[true, true], [false, false]]);
  });

  it("a ticket transferred away, admitted or refunded cannot be transferred (409); a stranger's attempt is a 404", async () => {
    const at = await ticketsAtTheDoor([2, 3, 4]);
    const friendId = `friend-${word(6)}`;
    await json(await transfer(at.token, at.bookingId, [at.event.tickets(2)], { userId: friendId }), 200);
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(2)], { userId: "someone-else" }), 409);
    await json(await checkin(at.door, at.code(1)), 200);
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(3)], { userId: friendId }), 409);
    await json(await call("POST", `/api/organizer/bookings/${at.bookingId}/refund`, { token: at.event.organizer, body: { ticketIds: [at.event.tickets(4)] } }), 200);
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(4)], { userId: friendId }), 409);
    await problem(await transfer(await fan(), at.bookingId, [at.event.tickets(3)], { userId: friendId }), 404);
    // All or none: one admitted ticket keeps the other one where it was.
    const [ticket] = await query<{ holder_id: string | null; code_version: number }>("select holder_id, code_version from booked_tickets where booking_id = $1 and seat_index = 3", [at.bookingId]);
    expect(ticket).toEqual({ holder_id: null, code_version: 1 });
  });

  it("to an email address: the tickets are theirs when they sign in with it, and they can pass them on", async () => {
    const at = await ticketsAtTheDoor([5, 6]);
    const email = `Friend.${word(6)}@Example.test`;
    const { transferId } = await json<{ transferId: string }>(await transfer(at.token, at.bookingId, [at.event.tickets(5), at.event.tickets(6)], { email }), 200);
    // The recipient is told where to find them (the buyer's token has no address: no mail to them).
    const mail = await query<{ dedupe_key: string; to_address: string; kind: string }>("select dedupe_key, to_address, kind from mail_outbox where dedupe_key like $1", [`transfer-%:${transferId}`]);
    expect(mail).toEqual([{ dedupe_key: `transfer-received:${transferId}`, to_address: email, kind: "transfer-received" }]);
    const friend = await fanWithEmail(email.toLowerCase());
    const received = await myTickets(friend);
    expect(received.map((t) => t.id)).toEqual([at.event.tickets(5), at.event.tickets(6)]);
    const thirdId = `third-${word(6)}`;
    await json(await transfer(friend, at.bookingId, [at.event.tickets(6)], { userId: thirdId }), 200);
    const third = await myTickets(await tokenFor(thirdId, ["fan"]));
    expect(third).toMatchObject([{ id: at.event.tickets(6), received: true }]);
    // Version 3 now: both earlier codes are void.
    await voidAtTheDoor(at.door, at.code(1));
    await voidAtTheDoor(at.door, received[1]?.pass ?? "");
    await json(await checkin(at.door, third[0]?.pass ?? ""), 200);
    const history = await query<{ from_user: string; to_user: string | null; to_email: string | null; code_version: number }>(
      "select from_user, to_user, to_email, code_version from ticket_transfers where booking_id = $1 and seat_index = 6 order by code_version",
      [at.bookingId],
    );
    expect(history.map((h) => [h.to_user, h.to_email, h.code_version])).toEqual([[null, email.toLowerCase(), 2], [thirdId, null, 3]]);
  });

  it("a transfer racing a scan of the old code: exactly one of them wins", async () => {
    for (let i = 0; i < 3; i++) {
      const at = await ticketsAtTheDoor([7]);
      const [moved, scanned] = await Promise.all([transfer(at.token, at.bookingId, [at.event.tickets(7)], { userId: `friend-${word(6)}` }), checkin(at.door, at.code(0))]);
      expect([moved.status, scanned.status].sort()).toEqual([200, 409]);
    }
  });

  it("answers bad requests with problems", async () => {
    const at = await ticketsAtTheDoor([0]);
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(0)], { email: "not-an-email" }), 400);
    await problem(await transfer(at.token, at.bookingId, ["ev_other.1"], { userId: "x" }), 400);
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(0), at.event.tickets(0)], { userId: "x" }), 400);
    await problem(await call("POST", `/api/bookings/${at.bookingId}/transfer`, { token: at.token, body: { ticketIds: [at.event.tickets(0)], to: {} } }), 400);
    const buyerId = JSON.parse(atob((at.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).sub as string;
    await problem(await transfer(at.token, at.bookingId, [at.event.tickets(0)], { userId: buyerId }), 400);
    await problem(await transfer(at.token, "bk_0000000000000000", [at.event.tickets(0)], { userId: "x" }), 404);
  });
});

describe("a ticket's history", () => {
  it("shows its organizer the sale, each transfer and the admission in order; another org gets a 404", async () => {
    const at = await ticketsAtTheDoor([1]);
    const friendId = `friend-${word(6)}`;
    await json(await transfer(at.token, at.bookingId, [at.event.tickets(1)], { userId: friendId }), 200);
    const [ticket] = await myTickets(await tokenFor(friendId, ["fan"]));
    await json(await checkin(at.door, ticket?.pass ?? "", "east"), 200);
    const history = await json<{ ticketId: string; history: { kind: string; bookingId: string; detail: Record<string, unknown> }[] }>(
      await call("GET", `/api/organizer/tickets/${at.event.tickets(1)}/history`, { token: at.event.organizer }),
      200,
    );
    expect(history.history.map((h) => h.kind)).toEqual(["sold", "transferred", "admitted"]);
    expect(history.history[1]?.detail).toMatchObject({ toUser: friendId, codeVersion: 2 });
    expect(history.history[2]?.detail).toMatchObject({ gate: "east", offline: false });
    await problem(await call("GET", `/api/organizer/tickets/${at.event.tickets(1)}/history`, { token: await tokenFor(`organizer-${word()}`, ["organizer"]) }), 404);
    await problem(await call("GET", `/api/organizer/tickets/${at.event.tickets(1)}/history`, { token: at.door }), 403);
  });
});
