/**
 * An event's sales report and its CSV exports (orders, attendees), for
 * organizers of its org (another org's event is a 404, as in every
 * organizer route). The report's seat counts are the room's, live; the rest
 * is Postgres. The exports stream (catalog/csv.ts). The sales chart is SVG
 * drawn here (catalog/sales-chart.ts), fetched with the bearer token by the
 * dashboard, which an <img> could not send.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { EventParams } from "../../../src/shared/catalog";
import { SalesReport } from "../../../src/shared/reports";
import { requireOrganizer, requireUser } from "../auth";
import { csvResponse } from "../catalog/csv";
import { attendeesExport, ordersExport } from "../catalog/exports";
import { salesPerHour, salesReport } from "../catalog/reports";
import { salesChartSvg } from "../catalog/sales-chart";
import { ownedEvent } from "../catalog/tenancy";
import { bearer, createApp } from "../openapi-app";
import { problemResponses } from "../problem";
import { doorCounts, liveCounts } from "../rooms";

const organizer = [requireUser, requireOrganizer];

/** A CSV export's route: the same access and answers for each. */
const csvRoute = (name: string, operationId: string, summary: string) =>
  createRoute({
    method: "get",
    path: `/events/{eventId}/${name}.csv`,
    operationId,
    summary,
    security: bearer,
    middleware: organizer,
    request: { params: EventParams },
    responses: {
      200: { description: "RFC 4180 CSV with a header row, streamed", content: { "text/csv": { schema: z.string() } } },
      ...problemResponses(400, 401, 403, 404, 503),
    },
  });

export const reportRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/report",
      operationId: "getSalesReport",
      summary: "The event's sales: seats, money, tickets by section and price, sales per hour (organizers of its org)",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams },
      responses: {
        200: { description: "the report", content: { "application/json": { schema: SalesReport } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const event = await ownedEvent(c, eventId);
      const [seats, sales, checkIns] = await Promise.all([liveCounts(c.env, eventId), salesReport(c.var.db(), event), doorCounts(c.env, eventId)]);
      return c.json({ eventId, generatedAt: new Date().toISOString(), seats, ...sales, checkIns }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/report/sales.svg",
      operationId: "getSalesChart",
      summary: "The event's sales per hour (or day) as an SVG bar chart (organizers of its org)",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams },
      responses: {
        200: { description: "the chart, an inert SVG document with a title and a description", content: { "image/svg+xml": { schema: z.string() } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const event = await ownedEvent(c, eventId);
      const svg = salesChartSvg(await salesPerHour(c.var.db(), eventId), event.currency);
      // The org's sales: no shared cache keeps a copy.
      return c.body(svg, 200, { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "private, no-store" });
    },
  )
  .openapi(csvRoute("orders", "exportOrdersCsv", "Every booking of the event as CSV, oldest first (organizers of its org)"), async (c) => {
    const { eventId } = c.req.valid("param");
    await ownedEvent(c, eventId);
    return csvResponse(c, ordersExport(eventId));
  })
  .openapi(csvRoute("attendees", "exportAttendeesCsv", "Every valid ticket of a confirmed booking as CSV, in seat order (organizers of its org)"), async (c) => {
    const { eventId } = c.req.valid("param");
    await ownedEvent(c, eventId);
    return csvResponse(c, attendeesExport(eventId));
  });
