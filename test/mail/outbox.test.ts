import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { instanceId } from "../../src/lifecycle/cancellation";
import { queueMail } from "../../src/mail/outbox";
import { withSession } from "../../src/shared/database";
import { checkout, fan, hold, outbox, pay, query, redeliver, smallEvent } from "../booking-helpers";
import { call, callWith, json, problem, word } from "../helpers";
import { mailedBooking, mailedFan, outboxBy, outboxTo, recordingQueue } from "./mail-helpers";

const SPANISH = { "accept-language": "fr-CH;q=0.3, es-MX, en;q=0.8" };

describe("the outbox is written with what caused it", () => {
  it("a paid booking writes exactly one confirmation, to the fan's address, in their language", async () => {
    const { fan: buyer, bookingId } = await mailedBooking([0, 1], { headers: SPANISH, event: { name: `Gira ${word(6)}` } });
    const rows = await outboxBy(`booking-confirmed:${bookingId}`);
    expect(rows).toHaveLength(1);
    const [mail] = rows;
    expect(mail).toMatchObject({ kind: "booking-confirmed", to_address: buyer.email, language: "es" });
    expect(mail?.subject).toMatch(/^Tus entradas para Gira /);
    expect(mail?.text).toContain("Stalls, fila A, asiento 1");
    expect(mail?.text).toContain("Stalls, fila A, asiento 2");
    expect(mail?.text).toContain(`${env.PUBLIC_URL}/me/tickets`);
    expect(mail?.html.match(/\/api\/tickets\/qr\.png\?token=/g)).toHaveLength(2);
    const [booking] = await query<{ fan_email: string; fan_language: string }>("select fan_email, fan_language from bookings where id = $1", [bookingId]);
    expect(booking).toEqual({ fan_email: buyer.email, fan_language: "es" });
    expect(mail?.text).toContain("Tu reserva está confirmada");
  });

  it("the QR code in the confirmation is an image the site draws from a valid ticket code", async () => {
    const { bookingId } = await mailedBooking([2]);
    const [mail] = await outboxBy(`booking-confirmed:${bookingId}`);
    const src = /<img src="([^"]+)"/.exec(mail?.html ?? "")?.[1]?.replaceAll("&amp;", "&") ?? "";
    expect(src.startsWith(`${env.PUBLIC_URL}/api/tickets/qr.png?token=`)).toBe(true);
    const image = await call("GET", src.slice(env.PUBLIC_URL.length));
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await image.arrayBuffer()).slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Not a general QR service: a string that is not our code is refused.
    await problem(await call("GET", "/api/tickets/qr.png?token=not-a-ticket-code-at-all"), 400);
  });

  it("a retried webhook delivery writes no second confirmation", async () => {
    const { bookingId, paymentIntentId } = await mailedBooking([3]);
    for (const event of await outbox(paymentIntentId)) expect((await redeliver(event.stripeEventId)).webhookStatus).toBe(200);
    expect(await outboxBy(`booking-confirmed:${bookingId}`)).toHaveLength(1);
  });

  it("a message is written once per dedupe key, however often its cause runs", async () => {
    const dedupeKey = `test:${word(12)}`;
    const mail = { dedupeKey, kind: "test", to: `${word()}@example.test`, language: "en", subject: "s", text: "t", html: "<p>h</p>" };
    const [first, second] = await withSession(env, async (db) => [await queueMail(db(), mail), await queueMail(db(), { ...mail, subject: "other" })]);
    expect(first).toMatch(/^ml_/);
    expect(second).toBeUndefined();
    expect((await outboxBy(dedupeKey)).map((r) => r.subject)).toEqual(["s"]);
  });

  it("a fan whose token has no address gets no mail, and the booking stands", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(4)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await pay(paymentIntentId);
    const [booking] = await query<{ id: string; status: string; fan_email: string | null }>("select id, status, fan_email from bookings where hold_id = $1", [h.holdId]);
    expect(booking).toMatchObject({ status: "confirmed", fan_email: null });
    expect(await outboxBy(`booking-confirmed:${booking?.id}`)).toEqual([]);
  });

  it("the confirmation is handed to the queue after the booking commits, and a queue that refuses it does not fail the booking", async () => {
    const event = await smallEvent();
    const buyer = await mailedFan();
    const paid = async (seat: number, queue: Queue) => {
      const h = await hold(buyer.token, [event.tickets(seat)]);
      const { paymentIntentId } = await checkout(buyer.token, h.holdId);
      // The dev route delivers the webhook with its own bindings: here, the queue under test.
      await json(await callWith({ MAIL_QUEUE: queue }, "POST", `/api/dev/payments/${paymentIntentId}/authorize`), 200);
      const [booking] = await query<{ id: string; status: string }>("select id, status from bookings where hold_id = $1", [h.holdId]);
      expect(booking?.status).toBe("confirmed");
      return booking?.id ?? "";
    };
    const recording = recordingQueue();
    const handed = await paid(5, recording.queue);
    const [row] = await outboxBy(`booking-confirmed:${handed}`);
    expect(recording.sent).toEqual([{ id: row?.id }]);

    const refused = await paid(6, recordingQueue({ fail: true }).queue);
    expect(await outboxBy(`booking-confirmed:${refused}`)).toMatchObject([{ state: "pending" }]);
  });

  it("a refund tells the fan which tickets and how much, once per refund", async () => {
    const { event, fan: buyer, bookingId } = await mailedBooking([0, 1], { headers: { "accept-language": "en-GB,en;q=0.9" } });
    const refund = async (ticketIds: string[]) =>
      json<{ refunds: { id: string; ticketIds: string[] }[] }>(
        await call("POST", `/api/organizer/bookings/${bookingId}/refund`, { token: event.organizer, body: { ticketIds, reason: "moved" } }),
        200,
      );
    const first = await refund([event.tickets(1)]);
    await refund([event.tickets(1)]); // a retried request refunds, and mails, once
    const refundId = first.refunds[0]?.id ?? "";
    const rows = await outboxTo(buyer.email);
    expect(rows.map((r) => r.kind)).toEqual(["booking-confirmed", "refund"]);
    const notice = rows[1];
    expect(notice).toMatchObject({ dedupe_key: `refund:${refundId}`, language: "en" });
    expect(notice?.text).toContain("We are refunding US$50.00 for 1 ticket for");
    expect(notice?.text).toContain("Stalls, row A, seat 2");
    expect(notice?.text).not.toContain("Stalls, row A, seat 1");
  });

  it("cancelling the event tells each fan, in their language, that their refund is under way (not a refund notice)", async () => {
    const { event, fan: buyer, bookingId } = await mailedBooking([2], { headers: SPANISH });
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await job.modify(async (m) => {
      await m.disableSleeps();
    });
    await json(await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: "la artista está enferma" } }), 202);
    await job.waitForStatus("complete");
    const rows = await outboxTo(buyer.email);
    expect(rows.map((r) => r.kind)).toEqual(["booking-confirmed", "event-cancelled"]);
    expect(rows[1]).toMatchObject({ dedupe_key: `event-cancelled:${bookingId}`, language: "es" });
    expect(rows[1]?.text).toContain("El organizador dice: «la artista está enferma»");
    expect(rows[1]?.text).toContain("50,00\u00a0US$");
  });
});

describe("GET /api/dev/mail", () => {
  it("lists the outbox newest first, filtered by address", async () => {
    const { fan: buyer, event, bookingId } = await mailedBooking([7]);
    await json(await call("POST", `/api/organizer/bookings/${bookingId}/refund`, { token: event.organizer, body: {} }), 200);
    const { messages } = await json<{ messages: { id: string; to: string; kind: string; subject: string; text: string; html: string; state: string; sentAt: string | null }[] }>(
      await call("GET", `/api/dev/mail?to=${encodeURIComponent(buyer.email.toUpperCase())}`),
      200,
    );
    expect(messages.map((m) => m.kind)).toEqual(["refund", "booking-confirmed"]);
    for (const m of messages) {
      expect(m.to).toBe(buyer.email);
      expect(m.html).toContain("<!doctype html>");
      expect(m.text.length).toBeGreaterThan(0);
      expect(["pending", "sent"]).toContain(m.state);
    }
    const all = await json<{ messages: unknown[] }>(await call("GET", "/api/dev/mail"), 200);
    expect(all.messages.length).toBeGreaterThanOrEqual(2);
    expect(all.messages.length).toBeLessThanOrEqual(100);
  });

  it("refuses a malformed address, and is absent without DEV_AUTH", async () => {
    await problem(await call("GET", "/api/dev/mail?to=not-an-address"), 400);
    await problem(await callWith({ DEV_AUTH: undefined }, "GET", "/api/dev/mail"), 404);
    await problem(await callWith({ DEV_AUTH: undefined }, "GET", "/dev/mail"), 404);
  });

  it("the /dev/mail page shows each message's HTML in a sandboxed frame and its text part", async () => {
    const { fan: buyer } = await mailedBooking([6], { event: { name: `Quotes "${word(5)}" & <b>bold</b>` } });
    const page = await call("GET", `/dev/mail?to=${encodeURIComponent(buyer.email)}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<iframe sandbox=""');
    expect(html).toContain("srcdoc=");
    // The organizer's markup never reaches the page unescaped, neither in the frame's source nor in the text.
    expect(html).not.toContain("<b>bold</b>");
    expect(html).toContain("Plain-text part");
  });
});
