import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { bookedEvent, checkout, fan, hold, pay, smallEvent } from "../booking-helpers";
import { call, json, makeEvent, makePerformer, makeVenue, problem, tokenFor, word } from "../helpers";

/** Two organizers of one org, one of a rival org, a door user, an admin and a fan. */
async function cast() {
  const org = `org-${word(8)}`;
  const rivalOrg = `org-${word(8)}`;
  return {
    org,
    owner: await tokenFor(`owner-${word(6)}`, ["organizer"], org),
    colleague: await tokenFor(`colleague-${word(6)}`, ["organizer"], org),
    rival: await tokenFor(`rival-${word(6)}`, ["organizer"], rivalOrg),
    door: await tokenFor(`door-${word(6)}`, ["door"], org),
    admin: await tokenFor(`admin-${word(6)}`, ["admin"], "platform"),
    fan: await fan(),
  };
}

interface EventBody {
  name: string;
  onSaleAt: string | null;
  priceRange: { minCents: number; maxCents: number };
}

describe("an organizer changes only their own org's events", () => {
  it("a rival organizer cannot rename an event, move its on-sale or zero its prices: 404, and nothing changes", async () => {
    const { owner, rival } = await cast();
    const event = await makeEvent(owner, { name: "Owned Show" });
    for (const body of [{ name: "Hijacked" }, { onSaleAt: "2099-01-01T00:00:00Z" }, { prices: [{ section: "Stalls", priceCents: 0 }, { section: "Floor", priceCents: 0 }] }]) {
      const refused = await problem(await call("PATCH", `/api/events/${event.id}`, { token: rival, body }), 404);
      expect(refused.detail).toBe(`no event with id ${event.id}`);
    }
    const after = await json<EventBody>(await call("GET", `/api/events/${event.id}`), 200);
    expect(after).toMatchObject({ name: "Owned Show", onSaleAt: null, priceRange: { minCents: 3000, maxCents: 5000 } });
  });

  it("another org's event answers exactly like an event that does not exist (no probing)", async () => {
    const { owner, rival } = await cast();
    const event = await makeEvent(owner);
    const other = await problem(await call("PATCH", `/api/events/${event.id}`, { token: rival, body: { name: "x" } }), 404);
    const missing = `ev_${"z".repeat(16)}`;
    const none = await problem(await call("PATCH", `/api/events/${missing}`, { token: rival, body: { name: "x" } }), 404);
    expect(other.detail.replace(event.id, "<id>")).toBe(none.detail.replace(missing, "<id>"));
  });

  it("organizers of one org share its catalog; an admin may act on any org", async () => {
    const { owner, colleague, admin } = await cast();
    const event = await makeEvent(owner);
    await json(await call("PATCH", `/api/events/${event.id}`, { token: colleague, body: { name: "Renamed by a colleague" } }), 200);
    await json(await call("PATCH", `/api/events/${event.id}`, { token: admin, body: { name: "Renamed by the platform" } }), 200);
    expect((await json<EventBody>(await call("GET", `/api/events/${event.id}`), 200)).name).toBe("Renamed by the platform");
  });

  it("a door, a fan or no token cannot change an event (403, 403, 401)", async () => {
    const { owner, door, fan: fanToken } = await cast();
    const event = await makeEvent(owner);
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: door, body: { name: "x" } }), 403);
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: fanToken, body: { name: "x" } }), 403);
    await problem(await call("PATCH", `/api/events/${event.id}`, { body: { name: "x" } }), 401);
  });

  it("an event can only use its own org's venue and performer, on create and on change", async () => {
    const { owner, rival } = await cast();
    const venue = await makeVenue(owner);
    const performer = await makePerformer(owner);
    const body = (venueId: string, performerId: string) => ({
      name: "Borrowed",
      type: "concert",
      startsAt: "2027-06-01T19:30:00Z",
      venueId,
      performerId,
      prices: [{ section: "Stalls", priceCents: 100 }, { section: "Floor", priceCents: 100 }],
    });
    const rivalPerformer = await makePerformer(rival);
    const rivalVenue = await makeVenue(rival);
    expect((await problem(await call("POST", "/api/events", { token: rival, body: body(venue, rivalPerformer) }), 400)).detail).toBe(`venueId: no venue with id ${venue}`);
    expect((await problem(await call("POST", "/api/events", { token: rival, body: body(rivalVenue, performer) }), 400)).detail).toBe(`performerId: no performer with id ${performer}`);
    const own = await makeEvent(rival, { venueId: rivalVenue, performerId: rivalPerformer });
    await problem(await call("PATCH", `/api/events/${own.id}`, { token: rival, body: { performerId: performer } }), 400);
    await problem(await call("PATCH", `/api/events/${own.id}`, { token: rival, body: { venueId: venue, prices: [{ section: "Stalls", priceCents: 1 }, { section: "Floor", priceCents: 1 }] } }), 400);
  });

  it("a staff token without an org acts for the user's personal org", async () => {
    const alone = await tokenFor(`solo-${word(6)}`, ["organizer"]);
    const stranger = await tokenFor(`solo-${word(6)}`, ["organizer"]);
    const event = await makeEvent(alone);
    await json(await call("PATCH", `/api/events/${event.id}`, { token: alone, body: { name: "Mine" } }), 200);
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: stranger, body: { name: "Theirs" } }), 404);
  });

  it("a token whose org claim is not a valid id is refused (401)", async () => {
    const bad = await tokenFor(`odd-${word(6)}`, ["organizer"], "a b/c");
    await problem(await call("POST", "/api/performers", { token: bad, body: { name: "Odd" } }), 401);
  });
});

describe("the dev token endpoint and the demo organizer", () => {
  it("mints a token with roles, org and email; without org, staff get their personal org", async () => {
    const minted = await json<{ token: string }>(await call("POST", "/api/dev/token", { body: { userId: "dana", roles: ["door"], org: "acme", email: "dana@acme.test" } }), 200);
    expect(decodeJwt(minted.token)).toMatchObject({ sub: "dana", roles: ["door"], org: "acme", email: "dana@acme.test" });
    const personal = await json<{ token: string }>(await call("POST", "/api/dev/token", { body: { userId: "erin", roles: ["organizer"] } }), 200);
    const claims = decodeJwt(personal.token);
    expect(claims.org).toBeUndefined();
    expect(claims.email).toBe("erin@example.test");
    const event = await makeEvent(personal.token);
    const listed = await json<{ events: { id: string }[] }>(await call("GET", "/api/organizer/events?limit=50", { token: personal.token }), 200);
    expect(listed.events.map((e) => e.id)).toContain(event.id);
  });

  it("refuses roles it does not know and orgs that are not ids (400)", async () => {
    await problem(await call("POST", "/api/dev/token", { body: { userId: "x", roles: ["owner"] } }), 400);
    await problem(await call("POST", "/api/dev/token", { body: { userId: "x", roles: ["organizer"], org: "../etc" } }), 400);
  });

  it("'continue as demo organizer' signs in to the demo org", async () => {
    const state = "s".repeat(20);
    const res = await call("GET", `/api/dev/sign-in?role=organizer&state=${state}&redirect_uri=${encodeURIComponent("http://tickets.test/organizer")}`);
    expect(res.status).toBe(302);
    const token = new URLSearchParams(new URL(res.headers.get("location") ?? "").hash.slice(1)).get("token") ?? "";
    expect(decodeJwt(token)).toMatchObject({ sub: "demo-organizer", org: "demo", roles: ["organizer", "fan"] });
  });
});

describe("an org's lists", () => {
  it("GET /api/organizer/events lists only the org's events, by start time, page by page", async () => {
    const { owner, colleague, rival } = await cast();
    const starts = ["2027-03-01T20:00:00Z", "2027-01-01T20:00:00Z", "2027-02-01T20:00:00Z"];
    const made = [];
    for (const startsAt of starts) made.push((await makeEvent(owner, { startsAt })).id);
    const theirs = await makeEvent(rival);
    const first = await json<{ events: { id: string; availability: { total: number; available: number } | null }[]; nextCursor: string | null }>(
      await call("GET", "/api/organizer/events?limit=2", { token: colleague }),
      200,
    );
    expect(first.events.map((e) => e.id)).toEqual([made[1], made[2]]);
    expect(first.events[0]?.availability).toEqual({ total: 13, available: 13, held: 0, sold: 0, blocked: 0 });
    const second = await json<{ events: { id: string }[]; nextCursor: string | null }>(
      await call("GET", `/api/organizer/events?limit=2&cursor=${first.nextCursor ?? ""}`, { token: colleague }),
      200,
    );
    expect(second.events.map((e) => e.id)).toEqual([made[0]]);
    expect(second.nextCursor).toBeNull();
    const rivals = await json<{ events: { id: string }[] }>(await call("GET", "/api/organizer/events?limit=50", { token: rival }), 200);
    expect(rivals.events.map((e) => e.id)).toEqual([theirs.id]);
  });

  it("GET /api/organizer/events: a damaged cursor is a 400, a fan a 403, no token a 401", async () => {
    const { owner, fan: fanToken } = await cast();
    await problem(await call("GET", "/api/organizer/events?cursor=bm90LWEtY3Vyc29y", { token: owner }), 400);
    await problem(await call("GET", "/api/organizer/events", { token: fanToken }), 403);
    await problem(await call("GET", "/api/organizer/events"), 401);
  });

  it("GET /api/events/:id/bookings lists an event's bookings for its org only", async () => {
    const booked = await bookedEvent([0, 1]);
    const organizer = booked.event.organizer;
    const list = await json<{ bookings: { id: string; status: string; amountCents: number; tickets: { id: string; refunded: boolean }[] }[]; nextCursor: string | null }>(
      await call("GET", `/api/events/${booked.event.id}/bookings`, { token: organizer }),
      200,
    );
    expect(list.bookings).toHaveLength(1);
    expect(list.bookings[0]).toMatchObject({ id: booked.bookingId, status: "confirmed", amountCents: 10_000 });
    expect(list.bookings[0]?.tickets.map((t) => [t.id, t.refunded])).toEqual([
      [booked.event.tickets(0), false],
      [booked.event.tickets(1), false],
    ]);
    const { rival, fan: fanToken } = await cast();
    await problem(await call("GET", `/api/events/${booked.event.id}/bookings`, { token: rival }), 404);
    await problem(await call("GET", `/api/events/${booked.event.id}/bookings`, { token: fanToken }), 403);
    await problem(await call("GET", `/api/events/${booked.event.id}/bookings`), 401);
  });

  it("GET /api/events/:id/bookings pages newest first without repeats, and filters by status", async () => {
    const event = await smallEvent();
    // Three bookings of one event, one fan each.
    const made: string[] = [];
    for (const seat of [3, 4, 5]) made.push(await bookOn(event, seat));
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: { bookings: { id: string }[]; nextCursor: string | null } = await json(
        await call("GET", `/api/events/${event.id}/bookings?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: event.organizer }),
        200,
      );
      seen.push(...page.bookings.map((b) => b.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([...made].reverse());
    const none = await json<{ bookings: unknown[] }>(await call("GET", `/api/events/${event.id}/bookings?status=refunded`, { token: event.organizer }), 200);
    expect(none.bookings).toEqual([]);
  });
});

/** A fan books one seat of an existing event; returns the booking's id. */
async function bookOn(event: Awaited<ReturnType<typeof smallEvent>>, seat: number): Promise<string> {
  const token = await fan();
  const h = await hold(token, [event.tickets(seat)]);
  const { paymentIntentId } = await checkout(token, h.holdId);
  await pay(paymentIntentId);
  const view = await json<{ bookingId: string }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token }), 200);
  return view.bookingId;
}
