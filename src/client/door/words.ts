/** How the door puts seats, times and refusals into words for the staff. */
import { decodePass } from "../../shared/ticket-codes";
import type { Admission, Refusal, SeatLabel } from "./state";

export const time = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export const seatText = (l: SeatLabel | null): string => (!l ? "" : l[1] ? `${l[0]} · row ${l[1]} · seat ${l[2]}` : `${l[0]} · general admission`);

/** The seat a code names, read without checking it (to show while it is checked, or with a refusal). */
export function labelOf(code: string): SeatLabel | null {
  const claims = decodePass(String(code).trim().split("~")[0] ?? "");
  return claims && Array.isArray(claims.l) ? claims.l : null;
}

export const whereWhen = (a: Admission): string => (a.gate ? `at ${a.gate} ` : "") + (a.at ? `at ${time(a.at)}` : "");

export const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");

/** The server's refusal in words for the staff. */
export function refusal(body: Refusal): string {
  if (body.reason === "already admitted") return `Already admitted ${whereWhen({ gate: body.gate, at: body.admittedAt })}. One entry per ticket.`;
  if (body.reason === "void") return `Void: ${body.detail || "this ticket was refunded or passed to someone else"}.`;
  if (body.reason === "stale") return sentence(body.detail || "this code is too old: ask the fan to open the ticket in the app");
  return `Not a valid ticket: ${body.detail || "not a ticket code"}.`;
}
