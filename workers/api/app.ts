/**
 * The API Worker: a stateless Hono app that validates, shapes, caches and
 * forwards. It decides no seat state (the event's SeatRoom does).
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { database } from "./db";
import { pages } from "./pages";
import type { AppEnv } from "./env";
import { hostileInput } from "./hostile-input";
import { requestIdOf, requestLog } from "./request-log";
import { createApp } from "./openapi-app";
import { servedDocuments } from "./openapi-document";
import { handleError, Problem, problemResponse } from "./problem";
import { bookingRoutes } from "./routes/booking";
import { bookingReads } from "./routes/bookings";
import { devRoutes } from "./routes/dev";
import { devInvariantRoutes } from "./routes/dev-invariants";
import { devMailRoutes } from "./routes/dev-mail";
import { devPaymentRoutes } from "./routes/dev-payments";
import { doorRoutes } from "./routes/door";
import { eventReads } from "./routes/events";
import { health } from "./routes/health";
import { organizerRoutes } from "./routes/organizer";
import { eventImageRoutes } from "./routes/event-images";
import { imageDelivery } from "./images/image-delivery";
import { organizerReads } from "./routes/organizer-reads";
import { opsRoutes } from "./routes/ops";
import { blockRoutes } from "./routes/blocks";
import { codeRoutes } from "./routes/codes";
import { refundRoutes } from "./routes/refunds";
import { cancellationRoutes } from "./routes/cancellation";
import { queueRoutes } from "./routes/queue";
import { reportRoutes } from "./routes/reports";
import { search } from "./routes/search";
import { seatRoutes } from "./routes/seats";
import { ticketRoutes } from "./routes/tickets";
import { ticketHistoryRoutes } from "./routes/ticket-history";
import { transferRoutes } from "./routes/transfers";
import { webhookRoutes } from "./routes/webhooks";
import { waitlistRoutes } from "./routes/waitlist";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

const api = createApp();
api.route("/", health);
api.route("/", search);
api.route("/", eventReads);
api.route("/", seatRoutes);
api.route("/", queueRoutes);
api.route("/", waitlistRoutes);
api.route("/", organizerRoutes);
api.route("/", eventImageRoutes);
api.route("/", organizerReads);
api.route("/", blockRoutes);
api.route("/", codeRoutes);
api.route("/", opsRoutes);
api.route("/", reportRoutes);
api.route("/", refundRoutes);
api.route("/", cancellationRoutes);
api.route("/", bookingRoutes);
api.route("/", bookingReads);
api.route("/", webhookRoutes);
api.route("/", ticketRoutes);
api.route("/", doorRoutes);
api.route("/", transferRoutes);
api.route("/", ticketHistoryRoutes);
api.route("/", devRoutes);
api.route("/", devPaymentRoutes);
api.route("/", devInvariantRoutes);
api.route("/", devMailRoutes);
api.openAPIRegistry.registerComponent("securitySchemes", "Bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
const documentConfig = {
  openapi: "3.1.0",
  info: {
    title: "Edge Tickets API",
    version: "0.1.0",
    description: "Search events, open an event, and (organizers) manage the catalog. Errors are application/problem+json.",
  },
  // Relative to the document's own address, so one document serves every origin it is deployed on.
  servers: [{ url: "/api", description: "this deployment" }],
};
const documents = servedDocuments(() => api.getOpenAPI31Document(documentConfig));
api.get("/openapi.json", etag(), documents.respond);

/** The OpenAPI document a deployment with these bindings serves (scripts/openapi.ts lints it). */
export const openApiDocument = documents.document;

export const app = new Hono<AppEnv>();
app.use("*", requestId({ generator: requestIdOf }));
app.use("*", requestLog);
// Event images answer with their own headers (a CSP that allows nothing); mounted before the
// pages' secure headers, which would replace it. They need no body and no database.
app.route("/images", imageDelivery);
app.use(
  "*",
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "https://js.stripe.com", "https://challenges.cloudflare.com"],
      frameSrc: ["https://js.stripe.com", "https://hooks.stripe.com", "https://challenges.cloudflare.com"],
      connectSrc: ["'self'", "https://api.stripe.com"],
      imgSrc: ["'self'", "data:"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
  }),
);
app.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new Problem(413, `the request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    },
  }),
);
// Before every route, pages included (the search page reads `term` too).
app.use("*", hostileInput);
app.use("*", database);
app.route("/api", api);
app.route("/", pages);
app.notFound((c) => problemResponse(404, `no route ${c.req.method} ${c.req.path}`));
app.onError(handleError);
