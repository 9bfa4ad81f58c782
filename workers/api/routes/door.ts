/**
 * The door: check-in of a scanned code, the kit a door device needs to keep
 * admitting offline, the upload of what it admitted offline, and live
 * figures. The code's signature is checked here (or on the device) with the
 * public key; Postgres says whether the ticket still stands and at which
 * code version; the event's SeatRoom records the admission, so two gates
 * admit a ticket once. See docs/after-sale.md.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { EventParams } from "../../../src/shared/catalog";
import { Admitted, CheckinRequest, DOOR_CURSOR_PATTERN, DoorKit, DoorKitQuery, DoorStats, ScanResults, ScanUpload } from "../../../src/shared/door";
import { parseTicketId, ticketId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import { checkTicketCode, CODE_WINDOW_SECONDS, MAX_CODE_AGE_SECONDS, signingKey, type CodeCheck } from "../../../src/shared/ticket-codes";
import { requireRole, requireUser } from "../auth";
import { heldTickets, voidCodes, type HeldTicket } from "../catalog/ticket-holders";
import { ownedEvent } from "../catalog/tenancy";
import type { AppEnv } from "../env";
import { bearer, createApp } from "../openapi-app";
import { Problem, problemResponses } from "../problem";
import { seatRoom } from "../rooms";

const doorStaff = [requireUser, requireRole("door", "organizer")];

/** A door device's clock may be this far behind the server's. */
const CLOCK_SKEW_MS = 60_000;

/** How long after a scan a device may upload it (a whole event day offline). */
const UPLOAD_WINDOW_MS = 36 * 3600_000;

const refused = (reason: "already admitted" | "void" | "invalid" | "stale", detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(409, detail, { admitted: false, reason, ...extra });

export const printCodes = (env: Env) => env.PRINT_TICKET_CODES !== "off";

/** A scanned code's signature and age, checked as a door device does. */
export async function checkCode(env: Env, code: string, nowMs: number): Promise<CodeCheck> {
  const { publicKey } = await signingKey(env);
  return checkTicketCode(code, [publicKey], Math.floor(nowMs / 1000), {
    maxAgeSeconds: MAX_CODE_AGE_SECONDS,
    windowSeconds: CODE_WINDOW_SECONDS,
    printCodes: printCodes(env),
  });
}

/** Why Postgres says a verified code opens nothing, if it does not. */
function voidInPostgres(ticket: HeldTicket | undefined, version: number): string | undefined {
  if (!ticket || ticket.void) return "this ticket was refunded or cancelled";
  if (version < ticket.codeVersion) return "this ticket was transferred: the code is no longer valid";
  if (version > ticket.codeVersion) return "this code was not issued";
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The event of a verified code, if the door user's org runs it (404 as for any other org's event). */
async function eventOfCode(c: Context<AppEnv>, check: Extract<CodeCheck, { ok: true }>) {
  const parsed = parseTicketId(check.ticketId);
  if (!parsed) throw refused("invalid", "not a ticket code");
  const event = await ownedEvent(c, parsed.eventId);
  return { event, seat: parsed.seatIndex };
}

export const doorRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/checkin",
      operationId: "checkIn",
      summary: "Admit a ticket at a gate (door or organizer role of the event's organization)",
      description:
        "Checks the code (signature, and for rotating codes their age), that the ticket still stands at this code version, then records the admission in the event's room: a ticket is admitted once, whichever gate scans it first. Refusals are 409 with `admitted: false` and a `reason`.",
      security: bearer,
      middleware: doorStaff,
      request: { body: { content: { "application/json": { schema: CheckinRequest } }, required: true } },
      responses: {
        200: { description: "admitted", content: { "application/json": { schema: Admitted } } },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { token, gate, eventId } = c.req.valid("json");
      const check = await checkCode(c.env, token, Date.now());
      if (!check.ok) throw refused(check.reason, check.detail);
      const { event, seat } = await eventOfCode(c, check);
      if (eventId && eventId !== event.id) throw refused("invalid", "this ticket is for another event");
      const [ticket] = await heldTickets(c.var.db(), { eventId: event.id, seats: [seat], bookingId: check.bookingId });
      const voided = voidInPostgres(ticket, check.version);
      if (voided || !ticket) throw refused("void", voided ?? "this ticket was refunded or cancelled");
      const outcome = await seatRoom(c.env, event.id).admit(event.id, {
        seat,
        bookingId: check.bookingId,
        version: check.version,
        gate,
        by: c.var.user.id,
        device: null,
        offline: false,
      });
      log("info", "checkin", { eventId: event.id, ticketId: check.ticketId, gate, outcome: outcome.kind });
      if (outcome.kind === "void") throw refused("void", outcome.detail);
      if (outcome.kind !== "admitted") {
        throw refused("already admitted", `already admitted at ${outcome.gate}`, { admittedAt: iso(outcome.at), gate: outcome.gate, ticketId: check.ticketId });
      }
      return c.json(
        { admitted: true as const, ticketId: check.ticketId, section: ticket.section, row: ticket.row, seat: ticket.seat, admittedAt: iso(outcome.at), gate: outcome.gate },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/door-kit",
      operationId: "getDoorKit",
      summary: "What a door device needs to keep admitting offline",
      description:
        "The public keys that sign ticket codes, the codes that are void (refunded, or older than a transfer), and every admission so far. A device checks codes with these alone, records what it admits, and uploads the scans later (`POST /events/{eventId}/door-kit/scans`). Fetch it again whenever online, with `?since=<cursor>` of the kit you have: the admissions and conflicts then list only what was recorded since (a stadium's devices need not download every admission again).",
      security: bearer,
      middleware: doorStaff,
      request: { params: EventParams, query: DoorKitQuery },
      responses: { 200: { description: "the door kit", content: { "application/json": { schema: DoorKit } } }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      const { since } = c.req.valid("query");
      const [, admissions, conflicts] = since ? (DOOR_CURSOR_PATTERN.exec(since) ?? []) : [];
      const from = admissions && conflicts ? { admissions: Number(admissions), conflicts: Number(conflicts) } : undefined;
      const room = seatRoom(c.env, event.id);
      const [{ publicKey }, record, stats, voided] = await Promise.all([signingKey(c.env), room.doorRecord(event.id, from), room.doorStats(event.id), voidCodes(c.var.db(), event.id)]);
      const cursor = record?.cursor ?? from ?? { admissions: 0, conflicts: 0 };
      return c.json(
        {
          eventId: event.id,
          event: { name: event.name, startsAt: event.startsAt.toISOString(), venueName: event.venueName },
          keys: [publicKey],
          windowSeconds: CODE_WINDOW_SECONDS,
          maxCodeAgeSeconds: MAX_CODE_AGE_SECONDS,
          printCodes: printCodes(c.env),
          total: stats?.total ?? 0,
          admitted: (record?.admitted ?? []).map((a) => ({ ticketId: ticketId(event.id, a.seat), bookingId: a.bookingId, at: iso(a.at), gate: a.gate })),
          void: voided,
          conflicts: (record?.conflicts ?? []).map((x) => ({ ticketId: ticketId(event.id, x.seat), at: iso(x.at), gate: x.gate, device: x.device, firstAt: iso(x.firstAt), firstGate: x.firstGate })),
          since: from ? (since ?? null) : null,
          cursor: `${cursor.admissions}-${cursor.conflicts}`,
          issuedAt: new Date().toISOString(),
        },
        200,
        { "cache-control": "no-store" },
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/door-kit/scans",
      operationId: "uploadDoorScans",
      summary: "Upload the scans a door device admitted offline",
      description:
        "Each scan is recorded at the time it was made. A ticket the room has not admitted is admitted; one this device uploaded before is a duplicate (uploads are safe to retry); one admitted elsewhere first is a conflict: kept and reported, the first admission stands. A void, forged or stale code is reported as such.",
      security: bearer,
      middleware: doorStaff,
      request: { params: EventParams, body: { content: { "application/json": { schema: ScanUpload } }, required: true } },
      responses: { 200: { description: "what became of each scan", content: { "application/json": { schema: ScanResults } } }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      const { deviceId, scans } = c.req.valid("json");
      const now = Date.now();
      type Result = z.infer<typeof ScanResults>["results"][number];
      const checked = await Promise.all(
        scans.map(async (scan) => {
          const at = Date.parse(scan.scannedAt);
          if (at > now + CODE_WINDOW_SECONDS * 1000) return { scan, at, check: { ok: false, reason: "invalid", detail: "scanned in the future: check the device's clock" } as CodeCheck };
          if (now - at > UPLOAD_WINDOW_MS) return { scan, at, check: { ok: false, reason: "invalid", detail: "scanned too long ago to upload" } as CodeCheck };
          // The code's age is judged at the moment it was scanned.
          return { scan, at, check: await checkCode(c.env, scan.token, at) };
        }),
      );
      const seats = checked.flatMap(({ check }) => {
        const parsed = check.ok ? parseTicketId(check.ticketId) : undefined;
        return parsed && parsed.eventId === event.id ? [parsed.seatIndex] : [];
      });
      const rows = await heldTickets(c.var.db(), { eventId: event.id, seats: [...new Set(seats)] });
      const room = seatRoom(c.env, event.id);
      const results: Result[] = [];
      // In upload order, so a device's own first scan of a ticket is the one recorded.
      for (const { scan, at, check } of checked) {
        if (!check.ok) {
          results.push({ ticketId: null, outcome: check.reason, detail: check.detail });
          continue;
        }
        const parsed = parseTicketId(check.ticketId);
        if (!parsed || parsed.eventId !== event.id) {
          results.push({ ticketId: check.ticketId, outcome: "invalid", detail: "this ticket is for another event" });
          continue;
        }
        const ticket = rows.find((r) => r.seatIndex === parsed.seatIndex && r.bookingId === check.bookingId);
        const voided = voidInPostgres(ticket, check.version);
        if (voided || !ticket) {
          results.push({ ticketId: check.ticketId, outcome: "void", detail: voided ?? "this ticket was refunded or cancelled" });
          continue;
        }
        // No device scanned a code before it existed (a backdated upload would rewrite the ticket's history).
        if (at < ticket.issuedAt - CLOCK_SKEW_MS) {
          results.push({ ticketId: check.ticketId, outcome: "invalid", detail: "scanned before this code was issued: check the device's clock" });
          continue;
        }
        const outcome = await room.admit(event.id, { seat: parsed.seatIndex, bookingId: check.bookingId, version: check.version, gate: scan.gate, by: c.var.user.id, device: deviceId, offline: true, at });
        results.push(
          outcome.kind === "void"
            ? { ticketId: check.ticketId, outcome: "void", detail: outcome.detail }
            : {
                ticketId: check.ticketId,
                outcome: outcome.kind === "already admitted" ? "conflict" : outcome.kind,
                admittedAt: iso(outcome.at),
                gate: outcome.gate,
              },
        );
      }
      const conflicts = results.filter((r) => r.outcome === "conflict").length;
      log("info", "door_scans_uploaded", { eventId: event.id, scans: scans.length, conflicts });
      return c.json({ results, conflicts }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/door/stats",
      operationId: "getDoorStats",
      summary: "Admitted / total at the door, live",
      security: bearer,
      middleware: doorStaff,
      request: { params: EventParams },
      responses: { 200: { description: "the figures", content: { "application/json": { schema: DoorStats } } }, ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const event = await ownedEvent(c, c.req.valid("param").eventId);
      const stats = await seatRoom(c.env, event.id).doorStats(event.id);
      return c.json(stats ?? { admitted: 0, total: 0, conflicts: 0 }, 200, { "cache-control": "no-store" });
    },
  );
