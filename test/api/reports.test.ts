/**
 * An event's sales report and CSV exports: the figures, RFC 4180 and
 * formula-safe CSV, exports of any size streamed in keyset pages with every
 * row exactly once, and organizer-only access. Refunds are made in Postgres
 * directly (what a refund leaves behind), since the report only reads them.
 */
import { describe, expect, it, vi } from "vitest";
import { CSV_PAGE_ROWS, csvField, csvLine } from "../../workers/api/catalog/csv";
import { checkout, fan, hold, pay, query, smallEvent } from "../booking-helpers";
import { call, json, makeEvent, problem, tokenFor, word } from "../helpers";

type Event = Awaited<ReturnType<typeof smallEvent>>;

/** A fan buys `seats` of the event through the simulated provider; returns the booking id. */
async function buy(event: Event, token: string, seats: number[]): Promise<string> {
  const held = await hold(token, seats.map((s) => event.tickets(s)));
  await pay((await checkout(token, held.holdId)).paymentIntentId);
  const view = await json<{ bookingId?: string }>(await call("GET", `/api/booking/holds/${held.holdId}`, { token }), 200);
  return view.bookingId ?? "";
}

/** A booking written straight to Postgres, as the booking flow or a refund would leave it. */
async function insertBooking(eventId: string, status: string, seats: { seat: number; priceCents: number; released: boolean }[], refundedCents: number, at: string): Promise<string> {
  const id = `bk_${word(16)}`;
  const amount = seats.reduce((sum, s) => sum + s.priceCents, 0);
  await query(
    `insert into bookings (id, event_id, user_id, hold_id, status, amount_cents, refunded_cents, currency, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'usd', $8)`,
    [id, eventId, `fan-${word(6)}`, `hd_${word(16)}`, status, amount, refundedCents, at],
  );
  for (const s of seats) {
    await query("insert into booked_tickets (booking_id, event_id, seat_index, price_cents, released) values ($1, $2, $3, $4, $5)", [id, eventId, s.seat, s.priceCents, s.released]);
  }
  return id;
}

const bookedAt = (bookingId: string, at: string) => query("update bookings set created_at = $2 where id = $1", [bookingId, at]);

/**
 * An event of 5,000 GA places sold by SQL, 1,000 of them refunded. Every
 * booking has one created_at, with microseconds (which a JavaScript Date
 * cannot hold), so pages must break ties by id and keep Postgres's time.
 */
async function largeEvent() {
  const organizer = await tokenFor(`organizer-${word()}`, ["organizer"]);
  const event = await makeEvent(organizer, { venue: { sections: [{ name: "Field", capacity: 5_000 }] }, prices: [{ section: "Field", priceCents: 1000 }] });
  const tag = word(12);
  await query(
    `insert into bookings (id, event_id, user_id, hold_id, status, amount_cents, currency, created_at)
     select 'bk_' || $2 || lpad(i::text, 4, '0'), $1, 'fan-' || i, 'hd_' || $2 || i, 'confirmed', 1000, 'usd', '2027-05-01T10:00:00.123456Z'
     from generate_series(0, 4999) i`,
    [event.id, tag],
  );
  await query(
    `insert into booked_tickets (booking_id, event_id, seat_index, price_cents, released)
     select 'bk_' || $2 || lpad(i::text, 4, '0'), $1, i, 1000, i >= 4000 from generate_series(0, 4999) i`,
    [event.id, tag],
  );
  return { event, organizer };
}

/** Parses RFC 4180 text strictly: CRLF after every record, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      let end = i + 1;
      for (;;) {
        const next = text.indexOf('"', end);
        expect(next, "an unclosed quoted field").toBeGreaterThan(-1);
        if (text[next + 1] === '"') end = next + 2;
        else {
          field = text.slice(i + 1, next).replaceAll('""', '"');
          i = next + 1;
          break;
        }
      }
    } else {
      const end = text.slice(i).search(/[,\r]/);
      field = end === -1 ? text.slice(i) : text.slice(i, i + end);
      expect(field, "a bare field with a quote or line break").not.toMatch(/["\n]/);
      i += field.length;
    }
    fields.push(field);
    if (text[i] === ",") i += 1;
    else {
      expect(text.slice(i, i + 2), "a record ends with CRLF").toBe("\r\n");
      records.push(fields);
      fields = [];
      i += 2;
    }
  }
  return records;
}

async function csv(eventId: string, name: "orders" | "attendees", token: string): Promise<{ records: string[][]; res: Response }> {
  const res = await call("GET", `/api/events/${eventId}/${name}.csv`, { token });
  expect(res.status).toBe(200);
  return { records: parseCsv(await res.text()), res };
}

interface Report {
  seats: Record<string, number> | null;
  money: Record<string, number | string | Record<string, number>>;
  bySection: Record<string, number | string>[];
  byPrice: Record<string, number>[];
  perHour: Record<string, number | string>[];
  checkIns: { admitted: number; total: number; conflicts: number } | null;
}

/**
 * The small event after: a sale of three (one ticket refunded later), a
 * sale of two, a fully refunded sale, one booking still being captured,
 * one cancelled, a live hold and a block.
 */
async function soldEvent() {
  const event = await smallEvent();
  const first = { fan: `fan-${word(6)}`, booking: "" };
  const second = { fan: `fan-${word(6)}`, booking: "" };
  first.booking = await buy(event, await fan(first.fan), [0, 1, 8]);
  second.booking = await buy(event, await fan(second.fan), [4, 9]);
  await query("update booked_tickets set released = true where booking_id = $1 and seat_index = 1", [first.booking]);
  await query("update bookings set refunded_cents = 5000 where id = $1", [first.booking]);
  await bookedAt(first.booking, "2027-05-01T09:15:00Z");
  await bookedAt(second.booking, "2027-05-01T11:05:00Z");
  const refunded = await insertBooking(event.id, "refunded", [{ seat: 10, priceCents: 3000, released: true }], 3000, "2027-05-01T11:40:00Z");
  const authorized = await insertBooking(event.id, "authorized", [{ seat: 11, priceCents: 3000, released: false }], 0, "2027-05-01T12:00:00Z");
  const cancelled = await insertBooking(event.id, "cancelled", [{ seat: 12, priceCents: 3000, released: true }], 0, "2027-05-01T12:30:00Z");
  await hold(await fan(), [event.tickets(2)]);
  await json(await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body: { ticketIds: [event.tickets(3)], reason: "camera" } }), 201);
  return { event, first, second, refunded, authorized, cancelled };
}

describe("the sales report", () => {
  it("counts seats live from the room, money from confirmed and refunded bookings only, tickets by section, price and hour", async () => {
    const { event } = await soldEvent();
    const report = await json<Report>(await call("GET", `/api/events/${event.id}/report`, { token: event.organizer }), 200);
    expect(report.seats).toEqual({ total: 13, sold: 5, held: 1, blocked: 1, available: 6 });
    // The split covers the valid sold tickets (seats 0, 8, 4 and 9): face values, no fee on this event.
    expect(report.money).toEqual({
      currency: "usd",
      orders: 3,
      grossCents: 24_000,
      refundedCents: 8_000,
      netCents: 16_000,
      split: { faceCents: 16_000, discountCents: 0, feeCents: 0, taxCents: 0 },
    });
    expect(report.bySection).toEqual([
      { section: "Stalls", capacity: 8, sold: 2, soldCents: 10_000, refunded: 1, refundedCents: 5_000 },
      { section: "Floor", capacity: 5, sold: 2, soldCents: 6_000, refunded: 1, refundedCents: 3_000 },
    ]);
    expect(report.byPrice).toEqual([
      { priceCents: 3000, sold: 2, soldCents: 6_000, refunded: 1, refundedCents: 3_000 },
      { priceCents: 5000, sold: 2, soldCents: 10_000, refunded: 1, refundedCents: 5_000 },
    ]);
    expect(report.perHour).toEqual([
      { hour: "2027-05-01T09:00:00Z", orders: 1, tickets: 3, amountCents: 13_000 },
      { hour: "2027-05-01T11:00:00Z", orders: 2, tickets: 3, amountCents: 11_000 },
    ]);
    // No one at the door yet; the door's total is the room's sold seats.
    expect(report.checkIns).toEqual({ admitted: 0, total: report.seats?.sold, conflicts: 0 });
  });

  it("an event with no sales reports zeros and every section", async () => {
    const event = await smallEvent();
    const report = await json<Report>(await call("GET", `/api/events/${event.id}/report`, { token: event.organizer }), 200);
    expect(report.money).toEqual({ currency: "usd", orders: 0, grossCents: 0, refundedCents: 0, netCents: 0, split: { faceCents: 0, discountCents: 0, feeCents: 0, taxCents: 0 } });
    expect(report.bySection.map((s) => [s.section, s.capacity, s.sold])).toEqual([
      ["Stalls", 8, 0],
      ["Floor", 5, 0],
    ]);
    expect(report.byPrice).toEqual([]);
    expect(report.perHour).toEqual([]);
  });
});

describe("CSV exports", () => {
  it("orders: every booking, oldest first, with its tickets and the void ones, as attachment CSV", async () => {
    const { event, first, second, refunded, authorized, cancelled } = await soldEvent();
    const { records, res } = await csv(event.id, "orders", event.organizer);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${event.id}-orders.csv"`);
    expect(records[0]).toEqual(["booking_id", "created_at", "status", "fan_user_id", "ticket_count", "amount_cents", "refunded_cents", "currency", "ticket_ids", "void_ticket_ids"]);
    expect(records.slice(1).map((r) => r[0])).toEqual([first.booking, second.booking, refunded, authorized, cancelled]);
    const t = event.tickets;
    expect(records[1]).toEqual([first.booking, "2027-05-01T09:15:00.000Z", "confirmed", first.fan, "3", "13000", "5000", "usd", `${t(0)} ${t(1)} ${t(8)}`, t(1)]);
    expect(records[2]).toEqual([second.booking, "2027-05-01T11:05:00.000Z", "confirmed", second.fan, "2", "8000", "0", "usd", `${t(4)} ${t(9)}`, ""]);
    expect(records.slice(3).map((r) => r[2])).toEqual(["refunded", "authorized", "cancelled"]);
    const head = await call("HEAD", `/api/events/${event.id}/orders.csv`, { token: event.organizer });
    expect([head.status, head.headers.get("content-type"), await head.text()]).toEqual([200, "text/csv; charset=utf-8", ""]);
  });

  it("attendees: every valid ticket of a confirmed booking, in seat order", async () => {
    const { event, first, second } = await soldEvent();
    const { records, res } = await csv(event.id, "attendees", event.organizer);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${event.id}-attendees.csv"`);
    const t = event.tickets;
    expect(records).toEqual([
      ["ticket_id", "section", "row", "seat", "price_cents", "booking_id", "fan_user_id", "holder", "face_cents", "discount_cents", "fee_cents", "tax_cents"],
      [t(0), "Stalls", "A", "1", "5000", first.booking, first.fan, first.fan, "5000", "0", "0", "0"],
      [t(4), "Stalls", "B", "1", "5000", second.booking, second.fan, second.fan, "5000", "0", "0", "0"],
      [t(8), "Floor", "", "", "3000", first.booking, first.fan, first.fan, "3000", "0", "0", "0"],
      [t(9), "Floor", "", "", "3000", second.booking, second.fan, second.fan, "3000", "0", "0", "0"],
    ]);
  });

  it("quotes commas, quotes and line breaks, and defuses text a spreadsheet would run as a formula", async () => {
    const stalls = 'Stalls, "Left"';
    const pit = "Pit\nFront";
    const event = await smallEvent({
      venue: { sections: [{ name: stalls, rows: [{ name: "=1+1", seats: 1 }] }, { name: pit, capacity: 1 }] },
      prices: [
        { section: stalls, priceCents: 5000 },
        { section: pit, priceCents: 3000 },
      ],
    });
    const fanId = '=HYPERLINK("http://evil.test","x"),y';
    const booking = await buy(event, await tokenFor(fanId, ["fan"]), [0, 1]);
    const raw = await (await call("GET", `/api/events/${event.id}/attendees.csv`, { token: event.organizer })).text();
    expect(raw).toContain(`${event.tickets(0)},"Stalls, ""Left""",'=1+1,1,5000,${booking},"'=HYPERLINK(""http://evil.test"",""x""),y","'=HYPERLINK(""http://evil.test"",""x""),y",5000,0,0,0\r\n`);
    expect(parseCsv(raw).slice(1)).toEqual([
      [event.tickets(0), stalls, "'=1+1", "1", "5000", booking, `'${fanId}`, `'${fanId}`, "5000", "0", "0", "0"],
      [event.tickets(1), pit, "", "", "3000", booking, `'${fanId}`, `'${fanId}`, "3000", "0", "0", "0"],
    ]);
    const orders = (await csv(event.id, "orders", event.organizer)).records;
    expect(orders[1]?.[3]).toBe(`'${fanId}`);
  });

  it("each field: a leading = + - @ tab or CR is made text; numbers and empty values stay as they are", () => {
    expect(["=1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "plain", "", null, 42].map(csvField)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      "\"'\rx\"",
      "a=b",
      "plain",
      "",
      "",
      "42",
    ]);
    expect(csvLine(["a,b", 'say "hi"', "two\nlines"])).toBe('"a,b","say ""hi""","two\nlines"\r\n');
  });

  it("a large event streams every row exactly once across page boundaries", async () => {
    const { event, organizer } = await largeEvent();
    const [orders, attendees] = await Promise.all([csv(event.id, "orders", organizer), csv(event.id, "attendees", organizer)]);
    const orderIds = orders.records.slice(1).map((r) => r[0]);
    expect(orderIds).toHaveLength(5_000);
    expect(new Set(orderIds).size).toBe(5_000);
    expect(orderIds).toEqual([...orderIds].sort());
    // 4,000 live tickets: exactly two full pages, then an empty one.
    expect(4_000 % CSV_PAGE_ROWS).toBe(0);
    expect(attendees.records.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 4_000 }, (_, i) => `${event.id}.${i}`));
  });

  it("a download cancelled midway stops the export before its last page", async () => {
    const { event, organizer } = await largeEvent();
    const logged = vi.spyOn(console, "log");
    try {
      const res = await call("GET", `/api/events/${event.id}/orders.csv`, { token: organizer });
      const reader = res.body?.getReader();
      expect((await reader?.read())?.done).toBe(false);
      await reader?.cancel();
      const lines = () => logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes(event.id));
      await expect.poll(() => lines().some((line) => line.includes('"csv_export_cancelled"'))).toBe(true);
      expect(lines().some((line) => line.includes('"csv_exported"'))).toBe(false);
    } finally {
      logged.mockRestore();
    }
  });
});

describe("the sales chart", () => {
  it("is an SVG document of the event's sales per hour, kept by no shared cache", async () => {
    const { event } = await soldEvent();
    const res = await call("GET", `/api/events/${event.id}/report/sales.svg`, { token: event.organizer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // 09:00 and 11:00: three hours on the axis, two with a bar.
    expect([...svg.matchAll(/<rect class="bar"/g)]).toHaveLength(2);
    expect(svg).toContain("3 orders, 6 tickets, $240.00 charged before refunds");
  });
});

describe("who may read reports", () => {
  const paths = (eventId: string) => [
    `/api/events/${eventId}/report`,
    `/api/events/${eventId}/report/sales.svg`,
    `/api/events/${eventId}/orders.csv`,
    `/api/events/${eventId}/attendees.csv`,
  ];

  it("another org's organizer gets 404, a fan 403, no token 401; a platform admin may read", async () => {
    const event = await smallEvent();
    const rival = await tokenFor(`organizer-${word()}`, ["organizer"]);
    const fanToken = await fan();
    const admin = await tokenFor(`admin-${word()}`, ["admin"], "platform");
    for (const path of paths(event.id)) {
      await problem(await call("GET", path, { token: rival }), 404);
      await problem(await call("GET", path, { token: fanToken }), 403);
      await problem(await call("GET", path), 401);
      const res = await call("GET", path, { token: admin });
      expect(res.status, path).toBe(200);
      await res.text();
    }
  });
});
