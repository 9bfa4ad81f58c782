/**
 * The booking path: reserve seats (a hold), look at or release a hold, and
 * start checkout. The route validates and shapes; the event's SeatRoom
 * decides. The user always comes from the verified token.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ConfirmRequest, ConfirmResponse, HoldCreated, HoldParams, HoldView, ReserveRequest } from "../../../src/shared/booking";
import type { HoldRecord, Rejection } from "../../../src/shared/room-protocol";
import { paymentProvider } from "../../../src/payments/provider";
import { eventOfHold, parseTicketId, ticketId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import { sumCharges } from "../../../src/shared/pricing";
import { verifyAdmission } from "../../../src/shared/queue";
import { requireUser } from "../auth";
import { limitByAddress, limitByUser } from "../rate-limits";
import { seatRoom } from "../rooms";
import type { AppEnv } from "../env";
import { keepHoldContact } from "../mail/contacts";
import { bearer, createApp, json } from "../openapi-app";
import { countRateLimited, knownEvent, noteRejection } from "../ops/rejections";
import { noteIds } from "../request-log";
import { badRequest, Problem, problemResponses } from "../problem";

const ReserveHeaders = z.object({
  "idempotency-key": z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "retrying with the same key returns the same hold; the same key for other seats of the event is a 422. Keys are remembered per fan and event, by the event's room" }),
  "x-admission-token": z.string().max(2_000).optional().openapi({ description: "required for events with a waiting room: the token the queue gave you" }),
});

/** A hold's price as the API shows it: the total, its split, and each ticket's (a hold made before prices were split reads as face value only). */
function holdPrice(hold: HoldRecord) {
  const charges = hold.charges?.length === hold.seats.length ? hold.charges : null;
  const breakdown = charges ? sumCharges(charges) : { faceCents: hold.totalCents, discountCents: 0, feeCents: 0, taxCents: 0, totalCents: hold.totalCents };
  return {
    totalCents: hold.totalCents,
    currency: hold.currency,
    breakdown,
    tickets: charges ? charges.map(({ seat, ...charge }) => ({ ticketId: ticketId(hold.eventId, seat), ...charge })) : [],
    code: hold.code ? { code: hold.code.code, kind: hold.code.kind } : null,
  };
}

function holdView(hold: HoldRecord) {
  return {
    holdId: hold.id,
    eventId: hold.eventId,
    state: hold.state,
    expiresAt: new Date(hold.expiresAt).toISOString(),
    ticketIds: hold.seats.map((s) => ticketId(hold.eventId, s)),
    ...holdPrice(hold),
    ...(hold.bookingId ? { bookingId: hold.bookingId } : {}),
  };
}

/** A room's refusal as a problem; a refusal about an existing hold says the hold's state. */
function refused(rejection: Rejection): Problem {
  const retry = rejection.retryAfterSeconds ? { "retry-after": String(rejection.retryAfterSeconds) } : undefined;
  return new Problem(rejection.status, rejection.detail, rejection.state ? { state: rejection.state } : {}, retry);
}

function holdEvent(holdId: string): string {
  const eventId = eventOfHold(holdId);
  if (!eventId) throw new Problem(404, "no such hold");
  return eventId;
}

const confirmRoute = (method: "put" | "post") =>
  createRoute({
    method,
    path: "/booking/confirm",
    operationId: method === "put" ? "confirmBooking" : "confirmBookingByPost",
    summary: method === "put" ? "Start checkout: authorize a payment for the hold" : "Start checkout (POST alias of PUT)",
    security: bearer,
    middleware: [limitByAddress("checkout"), requireUser, limitByUser("checkout")],
    request: { body: json(ConfirmRequest) },
    responses: {
      200: { description: "a payment intent to authorize", content: { "application/json": { schema: ConfirmResponse } } },
      ...problemResponses(400, 401, 404, 409, 429, 503),
    },
  });

/**
 * Checkout, safe to repeat (reload, double click, a second tab): the hold
 * moves to paying once; its payment intent is created once (idempotency key
 * `hold:<holdId>`) and attached once; a repeat returns the same intent, or a
 * 409 with the hold's state once its payment is being booked. A payment the
 * hold owns is never cancelled here: only an intent that no hold took (the
 * hold ended while it was being created) is released.
 */
async function confirm(c: Context<AppEnv>, holdId: string) {
  const user = c.var.user;
  const eventId = holdEvent(holdId);
  if (!c.env.STRIPE_SECRET_KEY && c.env.DEV_AUTH !== "1") throw new Problem(503, "payments are not configured on this server");
  noteIds(c, { eventId, holdId });
  const room = seatRoom(c.env, eventId);
  const started = await room.checkout(eventId, holdId, user.id, { requestId: c.var.requestId });
  if (started.kind === "rejected") throw refused(started);
  // Before any payment exists: the booking its webhook writes copies the fan's contact.
  await keepHoldContact(c, holdId);
  const provider = paymentProvider(c.env, c.var.db);
  let hold: HoldRecord = started.hold;
  let intent = hold.paymentIntentId ? await provider.retrieve(hold.paymentIntentId) : undefined;
  if (!intent) {
    intent = await provider.createIntent({
      amountCents: hold.totalCents,
      currency: hold.currency,
      metadata: { eventId, holdId, userId: user.id },
      idempotencyKey: `hold:${holdId}`,
    });
    const attached = await room.attachPayment(eventId, holdId, intent.id, { requestId: c.var.requestId });
    if (attached.kind === "rejected") {
      await provider.cancel(intent.id);
      throw refused(attached);
    }
    hold = attached.hold;
    if (hold.state !== "paying") throw new Problem(409, "this payment is already being completed", { state: hold.state });
  }
  log("info", "checkout_started", { requestId: c.var.requestId, eventId, holdId, userId: user.id, paymentIntentId: intent.id, provider: provider.name });
  return {
    holdId,
    paymentIntentId: intent.id,
    clientSecret: intent.clientSecret,
    amountCents: hold.totalCents,
    currency: hold.currency,
    provider: provider.name,
    expiresAt: new Date(hold.expiresAt).toISOString(),
  };
}

export const bookingRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/booking/reserve",
      operationId: "reserveSeats",
      summary: "Hold tickets of one event for a few minutes, all or none",
      security: bearer,
      middleware: [countRateLimited, limitByAddress("hold"), requireUser, limitByUser("hold")],
      request: { body: json(ReserveRequest), headers: ReserveHeaders },
      responses: {
        201: { description: "the hold", content: { "application/json": { schema: HoldCreated } } },
        ...problemResponses(400, 401, 403, 404, 409, 422, 429, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ids = "ticketIds" in body ? body.ticketIds : [body.ticketId];
      const parsed = ids.map((id) => parseTicketId(id));
      const eventIds = new Set(parsed.map((p) => p?.eventId));
      if (eventIds.size !== 1) throw badRequest("ticketIds: all tickets of one hold must belong to one event");
      if (new Set(ids).size !== ids.length) throw badRequest("ticketIds: a ticket is listed twice");
      const eventId = parsed[0]?.eventId ?? "";
      const seats = parsed.map((p) => p?.seatIndex ?? -1);
      const userId = c.var.user.id;
      const headers = c.req.valid("header");
      const admissionToken = headers["x-admission-token"];
      // Checked here, without calling the waiting room; the room knows whether the event needs it.
      const admission = admissionToken ? await verifyAdmission(c.env, admissionToken, userId, eventId) : undefined;
      if (admissionToken && !admission) {
        noteRejection(c.env, (p) => c.executionCtx.waitUntil(p), eventId, "no_admission");
        throw new Problem(403, "the admission token is not valid for you and this event, or it has expired; rejoin the waiting room");
      }
      const outcome = await seatRoom(c.env, eventId).reserve({
        eventId,
        userId,
        seats,
        idempotencyKey: headers["idempotency-key"] ?? null,
        admission: admission ?? null,
        code: body.code ?? null,
        requestId: c.var.requestId,
      });
      // No event answers 400 "unknown tickets: no event …"; any other answer is the event's room.
      if (!(outcome.kind === "rejected" && outcome.status === 400 && outcome.detail.includes("no event"))) knownEvent(c.env, (p) => c.executionCtx.waitUntil(p), eventId);
      if (outcome.kind === "unavailable") {
        const unavailable = outcome.seats.map((s) => ticketId(eventId, s));
        throw new Problem(409, `${unavailable.length === 1 ? "this ticket is" : "these tickets are"} no longer available: ${unavailable.join(", ")}`, {
          unavailable,
        });
      }
      if (outcome.kind === "rejected") throw refused(outcome);
      const { hold } = outcome;
      noteIds(c, { eventId, holdId: hold.id, seats: hold.seats.length });
      return c.json(
        {
          holdId: hold.id,
          eventId,
          ticketIds: hold.seats.map((s) => ticketId(eventId, s)),
          expiresAt: new Date(hold.expiresAt).toISOString(),
          ...holdPrice(hold),
        },
        201,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/booking/holds/{holdId}",
      operationId: "getHold",
      summary: "One of your holds",
      security: bearer,
      middleware: [requireUser],
      request: { params: HoldParams },
      responses: { 200: { description: "the hold", content: { "application/json": { schema: HoldView } } }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { holdId } = c.req.valid("param");
      const eventId = holdEvent(holdId);
      const hold = await seatRoom(c.env, eventId).getHold(eventId, holdId, c.var.user.id);
      if (!hold) throw new Problem(404, "no such hold");
      return c.json(holdView(hold), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/booking/holds/{holdId}",
      operationId: "releaseHold",
      summary: "Release one of your holds; the seats are free at once (a payment started for them is cancelled)",
      security: bearer,
      middleware: [limitByAddress("hold"), requireUser, limitByUser("hold")],
      request: { params: HoldParams },
      responses: { 204: { description: "released (or already ended)" }, ...problemResponses(400, 401, 404, 409, 429) },
    }),
    async (c) => {
      const { holdId } = c.req.valid("param");
      const eventId = holdEvent(holdId);
      const outcome = await seatRoom(c.env, eventId).release(eventId, holdId, c.var.user.id, { requestId: c.var.requestId });
      if (outcome.kind === "rejected") throw refused(outcome);
      return c.body(null, 204);
    },
  )
  .openapi(confirmRoute("put"), async (c) => c.json(await confirm(c, c.req.valid("json").holdId), 200))
  .openapi(confirmRoute("post"), async (c) => c.json(await confirm(c, c.req.valid("json").holdId), 200));
