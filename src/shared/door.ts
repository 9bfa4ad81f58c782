/** What the door's API takes and answers (check-in, door kits, offline uploads), shared with the door page. */
import { z } from "@hono/zod-openapi";

export const GATE_PATTERN = /^[\p{L}\p{N} ._#-]{1,40}$/u;
const Gate = z.string().trim().regex(GATE_PATTERN, "a gate is 1-40 letters, digits, spaces or . _ # -").default("main");
const Code = z.string().min(20).max(4_000);

export const CheckinRequest = z
  .object({
    token: Code.openapi({ description: "the scanned code: a rotating code from the fan's app, or a print code" }),
    gate: Gate,
    eventId: z.string().optional().openapi({ description: "the event this door admits to: a ticket of another event is refused" }),
  })
  .openapi("CheckinRequest");

export const REFUSALS = ["already admitted", "void", "invalid", "stale"] as const;

export const Admitted = z
  .object({
    admitted: z.literal(true),
    ticketId: z.string(),
    section: z.string(),
    row: z.string().nullable(),
    seat: z.string().nullable(),
    admittedAt: z.string(),
    gate: z.string(),
  })
  .openapi("Admitted");

export const ScanUpload = z
  .object({
    deviceId: z.string().regex(/^[\w-]{4,64}$/, "a device id is 4-64 letters, digits, _ or -"),
    scans: z
      .array(z.object({ token: Code, gate: Gate, scannedAt: z.iso.datetime({ offset: true }) }))
      .min(1)
      .max(500),
  })
  .openapi("ScanUpload");

export const SCAN_OUTCOMES = ["admitted", "duplicate", "conflict", "void", "invalid", "stale"] as const;

export const ScanResults = z
  .object({
    results: z.array(
      z.object({
        ticketId: z.string().nullable(),
        outcome: z.enum(SCAN_OUTCOMES),
        detail: z.string().optional(),
        admittedAt: z.string().optional(),
        gate: z.string().optional(),
      }),
    ),
    conflicts: z.number().int(),
  })
  .openapi("ScanResults");

export const DoorKit = z
  .object({
    eventId: z.string(),
    event: z.object({ name: z.string(), startsAt: z.string(), venueName: z.string() }),
    keys: z.array(z.object({ kid: z.string(), x: z.string() })),
    windowSeconds: z.number().int(),
    maxCodeAgeSeconds: z.number().int(),
    printCodes: z.boolean(),
    total: z.number().int(),
    admitted: z.array(z.object({ ticketId: z.string(), bookingId: z.string(), at: z.string(), gate: z.string() })),
    void: z.array(z.object({ ticketId: z.string(), bookingId: z.string(), minVersion: z.number().int().nullable() })),
    conflicts: z.array(z.object({ ticketId: z.string(), at: z.string(), gate: z.string(), device: z.string(), firstAt: z.string(), firstGate: z.string() })),
    since: z.string().nullable().openapi({ description: "the cursor this kit continues from: `admitted` and `conflicts` are only those recorded after it (add them to the kit you have); null for a whole kit" }),
    cursor: z.string().openapi({ description: "ask for `?since=<cursor>` next time to get only what changed" }),
    issuedAt: z.string(),
  })
  .openapi("DoorKit");

export const DOOR_CURSOR_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

export const DoorKitQuery = z.object({
  since: z
    .string()
    .regex(DOOR_CURSOR_PATTERN, "since is a door kit's cursor")
    .optional()
    .openapi({ description: "the `cursor` of the kit the device has: the answer lists only admissions and conflicts recorded after it (keys, void codes and figures are always whole)" }),
});

export const DoorStats = z.object({ admitted: z.number().int(), total: z.number().int(), conflicts: z.number().int() }).openapi("DoorStats");
