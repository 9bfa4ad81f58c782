import { beforeAll, describe, expect, it } from "vitest";
import { call, json, makeEvent, makeVenue, organizerToken, problem } from "../helpers";

interface Detail {
  id: string;
  name: string;
  venue: { seatMap: { sections: { kind: string; name: string; firstIndex: number; count: number; rows?: { name: string; firstIndex: number; seats: string[]; x: number[]; y: number[] }[] }[] }; capacity: number; timezone: string };
  performer: { id: string; name: string };
  prices: { section: string; minCents: number; maxCents: number }[];
  priceRange: { minCents: number; maxCents: number };
  availability: { total: number; available: number; held: number; sold: number };
}

interface Tickets {
  tickets: { id: string; section: string; row: string | null; seat: string | null; priceCents: number; status: string }[];
  nextCursor: string | null;
}

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

describe("GET /api/events/:eventId", () => {
  it("returns the event with its venue's seat map, prices and availability", async () => {
    const event = await makeEvent(token, { name: "Spring Gala" });
    const detail = await json<Detail>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail).toMatchObject({
      id: event.id,
      name: "Spring Gala",
      priceRange: { minCents: 3000, maxCents: 5000 },
      availability: { total: 13, available: 13, held: 0, sold: 0 },
    });
    expect(detail.prices).toEqual([
      { section: "Stalls", minCents: 5000, maxCents: 5000, faceMinCents: 5000, faceMaxCents: 5000 },
      { section: "Floor", minCents: 3000, maxCents: 3000, faceMinCents: 3000, faceMaxCents: 3000 },
    ]);
    const [stalls, floor] = detail.venue.seatMap.sections;
    expect(stalls).toMatchObject({ kind: "seated", name: "Stalls", firstIndex: 0, count: 8 });
    expect(stalls?.rows?.map((r) => [r.name, r.firstIndex, r.seats])).toEqual([
      ["A", 0, ["1", "2", "3", "4"]],
      ["B", 4, ["1", "2", "3", "4"]],
    ]);
    expect(floor).toMatchObject({ kind: "ga", name: "Floor", firstIndex: 8, count: 5 });
    expect(detail.venue.capacity).toBe(13);
  });

  it("answers 404 problem+json for an unknown event", async () => {
    const body = await problem(await call("GET", "/api/events/ev_doesnotexist0000"), 404);
    expect(body.detail).toContain("ev_doesnotexist0000");
  });

  it("answers 400 for a malformed event id", async () => {
    await problem(await call("GET", "/api/events/not%20an%20id"), 400);
  });
});

describe("GET /api/events/:eventId/tickets", () => {
  it("lists one ticket per place in seat order, with ids that name the event", async () => {
    const event = await makeEvent(token);
    const page = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?limit=100`), 200);
    expect(page.tickets).toHaveLength(event.ticketCount);
    expect(page.nextCursor).toBeNull();
    expect(page.tickets[0]).toEqual({ id: `${event.id}.0`, section: "Stalls", row: "A", seat: "1", priceCents: 5000, totalCents: 5000, status: "available" });
    expect(page.tickets[12]).toEqual({ id: `${event.id}.12`, section: "Floor", row: null, seat: null, priceCents: 3000, totalCents: 3000, status: "available" });
  });

  it("pages with a cursor and filters by section and status", async () => {
    const event = await makeEvent(token);
    const first = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?limit=5`), 200);
    const second = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?limit=5&cursor=${first.nextCursor}`), 200);
    expect(first.tickets.map((t) => t.id.split(".")[1])).toEqual(["0", "1", "2", "3", "4"]);
    expect(second.tickets.map((t) => t.id.split(".")[1])).toEqual(["5", "6", "7", "8", "9"]);
    const floor = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?section=Floor&status=available`), 200);
    expect(floor.tickets.map((t) => t.section)).toEqual(["Floor", "Floor", "Floor", "Floor", "Floor"]);
    const sold = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?status=sold`), 200);
    expect(sold.tickets).toEqual([]);
  });

  it("creates every ticket of a large venue in one go", async () => {
    const venueId = await makeVenue(token, {
      sections: Array.from({ length: 20 }, (_, s) => ({ name: `S${s}`, rows: Array.from({ length: 25 }, (_, r) => ({ name: `R${r}`, seats: 40 })) })),
    });
    const event = await makeEvent(token, { venueId, prices: Array.from({ length: 20 }, (_, s) => ({ section: `S${s}`, priceCents: 1000 + s })) });
    expect(event.ticketCount).toBe(20_000);
    const last = await json<Tickets>(await call("GET", `/api/events/${event.id}/tickets?section=S19&cursor=19990`), 200);
    expect(last.tickets.map((t) => [t.id, t.row, t.seat, t.priceCents])).toEqual(
      Array.from({ length: 9 }, (_, i) => [`${event.id}.${19991 + i}`, "R24", String(32 + i), 1019]),
    );
  });

  it.each([
    ["an unknown status", "status=lost"],
    ["an unknown parameter", "sort=price"],
    ["a bad cursor", "cursor=abc"],
    ["a limit too large", "limit=100000"],
  ])("answers 400 for %s", async (_name, query) => {
    const event = await makeEvent(token);
    await problem(await call("GET", `/api/events/${event.id}/tickets?${query}`), 400);
  });

  it("answers 404 for an unknown event", async () => {
    await problem(await call("GET", "/api/events/ev_doesnotexist0000/tickets"), 404);
  });
});

describe("GET /api/events/:eventId/seat-map", () => {
  it("answers the event's seat map; at its current version for a year, otherwise to be revalidated; a change makes a new version", async () => {
    const organizer = await organizerToken();
    const event = await makeEvent(organizer);
    const detail = await json<{ updatedAt: string; venue: { seatMap: unknown } }>(await call("GET", `/api/events/${event.id}`), 200);
    const version = String(Date.parse(detail.updatedAt));
    const current = await call("GET", `/api/events/${event.id}/seat-map?v=${version}`);
    expect(current.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await current.json()).toEqual(detail.venue.seatMap);
    for (const query of ["", "?v=1"]) {
      const res = await call("GET", `/api/events/${event.id}/seat-map${query}`);
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.json()).toEqual(detail.venue.seatMap);
    }
    const patched = await call("PATCH", `/api/events/${event.id}`, { token: organizer, body: { name: "Renamed" } });
    await patched.body?.cancel();
    const after = await json<{ updatedAt: string }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(Date.parse(after.updatedAt)).toBeGreaterThan(Number(version));
    // The old version still names the old map (from the edge's copy now), for ever.
    const kept = await call("GET", `/api/events/${event.id}/seat-map?v=${version}`);
    expect(kept.status).toBe(200);
    expect(kept.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await kept.json()).toEqual(detail.venue.seatMap);
  });

  it("answers 404 for an unknown event and 400 for a version that is not one", async () => {
    await problem(await call("GET", "/api/events/ev_doesnotexist0000/seat-map"), 404);
    const event = await makeEvent(token);
    await problem(await call("GET", `/api/events/${event.id}/seat-map?v=abc`), 400);
    await problem(await call("GET", `/api/events/${event.id}/seat-map?w=1`), 400);
  });
});
