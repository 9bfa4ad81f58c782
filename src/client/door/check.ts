/**
 * Checking one scanned code. It is checked here first with
 * `checkTicketCode` (the very function the server runs, from
 * src/shared/ticket-codes.ts), then, when online, `POST /api/checkin`
 * decides: the server's answer wins. When the server cannot be reached
 * (offline, timeout, 5xx) the kit decides: void codes and admitted tickets
 * are refused, anything else with a valid code is admitted and queued for
 * upload (sync.ts).
 */
import { checkTicketCode } from "../../shared/ticket-codes";
import type { CodeCheck } from "../../shared/ticket-codes";
import { byId, say } from "../shell/page";
import { gate } from "./device";
import { call } from "./server";
import { door, eventId, isStaff, nowSeconds, ticketKey } from "./state";
import type { AdmittedAnswer, Refusal } from "./state";
import { rememberAdmitted, render } from "./status";
import { admit, reject, verdict } from "./verdict";
import { labelOf, refusal, seatText, sentence, whereWhen } from "./words";

type CheckinAnswer = AdmittedAnswer | Refusal;

export async function check(scanned: string): Promise<void> {
  const code = String(scanned).trim();
  if (!code) return;
  verdict("checking", "Checking…", seatText(labelOf(code)), "", "");
  const { kit } = door;
  const local = kit
    ? await checkTicketCode(code, kit.keys, nowSeconds(), { maxAgeSeconds: kit.maxCodeAgeSeconds, windowSeconds: kit.windowSeconds, printCodes: kit.printCodes })
    : null;
  const seat = seatText(local?.ok ? local.label : labelOf(code));
  if (navigator.onLine && isStaff()) {
    try {
      const res = await call<CheckinAnswer>("/api/checkin", { method: "POST", body: { token: code, gate: gate(), eventId } });
      const body = res.data;
      if (res.status === 200 && body.admitted) {
        if (local?.ok) rememberAdmitted(ticketKey(local), body.admittedAt || new Date().toISOString(), body.gate || gate());
        if (door.stats) door.stats.admitted++;
        admit(seatText([body.section, body.row, body.seat]), "checked with the server");
        render();
        return;
      }
      if (res.status === 409 && body.admitted === false) {
        if (body.reason === "already admitted" && local?.ok) rememberAdmitted(ticketKey(local), body.admittedAt, body.gate);
        reject(seat, refusal(body), "checked with the server");
        return;
      }
      if (res.status === 400 || res.status === 422) {
        reject(seat, local && !local.ok ? `Not a valid ticket: ${local.detail}.` : "Not a ticket code.", "checked with the server");
        return;
      }
      const message = byId("message");
      if (res.status === 401) say(message, "Your sign-in has expired: scans are checked with the door kit and kept on this device until you sign in again.", "error");
      else if (res.status === 403 || res.status === 404) say(message, "The server refuses this account at this event's door: checking with the door kit instead. Sign in as door staff of its organizer.", "error");
      // 5xx, 429: the server cannot decide now; the kit does.
    } catch {
      // The server cannot be reached: the kit decides.
    }
  }
  offline(code, local, seat);
}

/** The kit decides: the code's signature and age, then the void list, then every admission known here. */
function offline(code: string, local: CodeCheck | null, seat: string): void {
  const how = "checked on this device (offline)";
  if (!door.kit || !local) {
    reject(seat, "Cannot check: this device has no door kit and the server cannot be reached. Do not admit; connect to load the kit.", how);
    return;
  }
  if (!local.ok) {
    reject(seat, local.reason === "stale" ? sentence(local.detail) : `Not a valid ticket: ${local.detail}.`, how);
    return;
  }
  if (local.ticketId.slice(0, local.ticketId.lastIndexOf(".")) !== eventId) {
    reject(seat, "This ticket is for another event.", how);
    return;
  }
  const key = ticketKey(local);
  if (door.kitVoid.has(key)) {
    const minVersion = door.kitVoid.get(key);
    if (minVersion === null || (minVersion !== undefined && local.version < minVersion)) {
      reject(seat, "Void: this ticket was refunded or passed to someone else.", how);
      return;
    }
  }
  const before = door.log.admitted[key] || door.kitAdmitted.get(key);
  if (before) {
    reject(seat, `Already admitted ${whereWhen(before)}. One entry per ticket.`, how);
    return;
  }
  const scannedAt = new Date(nowSeconds() * 1000).toISOString();
  door.log.pending.push({ token: code, gate: gate(), scannedAt, ticketId: local.ticketId, label: local.label });
  rememberAdmitted(key, scannedAt, gate());
  admit(seatText(local.label), how);
  render();
}
