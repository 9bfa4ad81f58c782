/**
 * Helpers for the attack round on all-in prices and codes (issue 14): making
 * and listing an event's codes, holding with a code, and reading what the
 * event's room stored, straight from its SQLite.
 */
import { runInDurableObject } from "cloudflare:test";
import type { Charge } from "../../src/shared/pricing";
import { room } from "../booking-helpers";
import { call, json } from "../helpers";

export const FEES = { feeFixedCents: 150, feePercentBp: 1000, taxRateBp: 2100 };

export type { Charge };

export interface PricedHold {
  holdId: string;
  expiresAt: string;
  state?: string;
  totalCents: number;
  breakdown: Charge;
  tickets: (Charge & { ticketId: string })[];
  code: { code: string; kind: string } | null;
  bookingId?: string;
}

export interface CodeBody {
  codeId: string;
  code: string;
  maxUses: number;
  disabled: boolean;
  uses: { reserved: number; spent: number } | null;
}

export const withCode = (token: string, ticketIds: string[], code: unknown, headers: Record<string, string> = {}) =>
  call("POST", "/api/booking/reserve", { token, body: { ticketIds, code }, headers });

export const makeCode = (eventId: string, token: string, body: Record<string, unknown>) => call("POST", `/api/events/${eventId}/codes`, { token, body });

export async function newCode(eventId: string, token: string, body: Record<string, unknown>): Promise<CodeBody> {
  return json<CodeBody>(await makeCode(eventId, token, body), 201);
}

export const patchCode = (eventId: string, token: string, codeId: string, body: unknown) => call("PATCH", `/api/events/${eventId}/codes/${codeId}`, { token, body });

export async function codes(eventId: string, token: string): Promise<CodeBody[]> {
  return (await json<{ codes: CodeBody[] }>(await call("GET", `/api/events/${eventId}/codes`, { token }), 200)).codes;
}

export async function usesOf(eventId: string, token: string, code: string): Promise<{ reserved: number; spent: number } | null | undefined> {
  return (await codes(eventId, token)).find((c) => c.code === code)?.uses;
}

export const holdView = async (holdId: string, token: string) => json<PricedHold>(await call("GET", `/api/booking/holds/${holdId}`, { token }), 200);

/** Holds with the code that are live by the room's own clock, counted in its SQLite (booked ones apart). */
export async function roomCodeHolds(eventId: string, codeId: string): Promise<{ live: number; booked: number; byUser: Record<string, number> }> {
  return runInDurableObject(room(eventId), (instance, state) => {
    const now = instance.now();
    const rows = state.storage.sql
      .exec<{ user_id: string; state: string; expires_at: number }>("SELECT user_id, state, expires_at FROM holds WHERE code_id = ?", codeId)
      .toArray();
    const live = rows.filter((r) => r.state === "booking" || ((r.state === "held" || r.state === "paying") && r.expires_at > now));
    const byUser: Record<string, number> = {};
    for (const r of live) byUser[r.user_id] = (byUser[r.user_id] ?? 0) + 1;
    return { live: live.length, booked: rows.filter((r) => r.state === "booked").length, byUser };
  });
}

/** The codes the room has loaded in its catalog (what a reserve is checked against). */
export async function roomCodes(eventId: string): Promise<{ code: string; maxUses: number }[]> {
  return runInDurableObject(room(eventId), (_instance, state) => {
    const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray();
    if (tables.length === 0) return [];
    const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'catalog'").toArray()[0];
    const catalog = row ? (JSON.parse(row.value) as { codes?: { code: string; maxUses: number }[] }) : {};
    return (catalog.codes ?? []).map((c) => ({ code: c.code, maxUses: c.maxUses }));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
