/**
 * Local development only (DEV_AUTH=1): the invariant checker of the booking
 * lifecycle (`src/lifecycle/invariants.ts`) over one event or a page of
 * events: each event's SeatRoom against Postgres against the payment
 * provider. `npm run check:invariants` walks every page against a running
 * `npm run dev`; the chaos suite calls it with `settled=1` after each
 * schedule. A room that was never opened is not created by looking at it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq, gt } from "drizzle-orm";
import { checkEvent, type Violation } from "../../../src/lifecycle/invariants";
import { bookingsOfEvents } from "../../../src/lifecycle/records";
import { paymentProvider } from "../../../src/payments/provider";
import { events } from "../../../src/shared/db-schema";
import { ID_PATTERN } from "../../../src/shared/ids";
import { createApp } from "../openapi-app";
import { problemResponses } from "../problem";
import { seatRoom } from "../rooms";
import { devOnly } from "./dev";

const Query = z.object({
  eventId: z.string().regex(ID_PATTERN, "must be an event id").optional(),
  after: z.string().regex(ID_PATTERN, "must be an event id").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  settled: z.enum(["0", "1"]).default("0").openapi({ description: "1: nothing may be in flight (after a test has delivered every event and run every alarm)" }),
});

const Report = z
  .object({
    checked: z.array(z.string()),
    violations: z.array(z.object({ eventId: z.string(), invariant: z.string(), detail: z.string() })),
    next: z.string().nullable(),
  })
  .openapi("InvariantReport");

export const devInvariantRoutes = createApp().openapi(
  createRoute({
    method: "get",
    path: "/dev/invariants",
    operationId: "checkInvariants",
    security: [],
    summary: "Local development only: check the booking invariants of one event, or of a page of events",
    middleware: [devOnly],
    request: { query: Query },
    responses: { 200: { description: "what was checked and what is wrong", content: { "application/json": { schema: Report } } }, ...problemResponses(400, 404) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = c.var.db();
    const page = query.eventId
      ? await db.select({ id: events.id, soldCount: events.soldCount }).from(events).where(eq(events.id, query.eventId))
      : await db
          .select({ id: events.id, soldCount: events.soldCount })
          .from(events)
          .where(query.after ? gt(events.id, query.after) : undefined)
          .orderBy(asc(events.id))
          .limit(query.limit);
    const provider = paymentProvider(c.env, c.var.db);
    const [rooms, bookings] = await Promise.all([
      Promise.all(page.map((event) => seatRoom(c.env, event.id).inspect(event.id))),
      bookingsOfEvents(db, page.map((event) => event.id)),
    ]);
    const violations: Violation[] = [];
    for (const [i, event] of page.entries()) {
      const room = rooms[i] ?? null;
      const booked = bookings.get(event.id) ?? [];
      // An event nobody has opened or booked has no payments to look up.
      const payments = room || booked.length > 0 ? await provider.listForEvent(event.id) : [];
      violations.push(...checkEvent({ eventId: event.id, room, bookings: booked, payments, soldCount: event.soldCount }, { settled: query.settled === "1" }));
    }
    const next = !query.eventId && page.length === query.limit ? (page.at(-1)?.id ?? null) : null;
    return c.json({ checked: page.map((e) => e.id), violations, next }, 200);
  },
);
