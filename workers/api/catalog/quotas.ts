/**
 * Organizer quotas, so one account cannot flood the catalog (or the
 * database): events one organizer creates per rolling day, and tickets one
 * event (its venue's capacity) may have. Both are configuration
 * (EVENTS_PER_ORGANIZER_PER_DAY, TICKETS_PER_EVENT in wrangler.toml).
 *
 * The daily count is taken under a transaction-scoped advisory lock on the
 * organizer, so two creates at the same moment cannot both take the last
 * place.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "./writes";
import { Problem } from "../problem";


export interface OrganizerQuotas {
  eventsPerDay: number;
  ticketsPerEvent: number;
}

const DAY_MS = 24 * 3600_000;

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function organizerQuotas(env: Env): OrganizerQuotas {
  return { eventsPerDay: positive(env.EVENTS_PER_ORGANIZER_PER_DAY, 50), ticketsPerEvent: positive(env.TICKETS_PER_EVENT, 150_000) };
}

/** 422 if a venue of this capacity could not hold an event under the quota. */
export function checkTicketCap(capacity: number, quotas: OrganizerQuotas): void {
  if (capacity > quotas.ticketsPerEvent) {
    throw new Problem(422, `this venue has ${capacity} places; an event may have at most ${quotas.ticketsPerEvent} tickets`);
  }
}

/** 429 if the organizer already created their day's events; call inside the creating transaction. */
export async function checkDailyEvents(tx: Tx, userId: string, quotas: OrganizerQuotas): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`events-quota:${userId}`}))`);
  const since = new Date(Date.now() - DAY_MS);
  const result = await tx.execute<{ n: number; oldest: string | null }>(
    sql`select count(*)::int as n, min(created_at)::text as oldest from events where created_by = ${userId} and created_at > ${since}`,
  );
  const row = result.rows[0];
  if (!row || row.n < quotas.eventsPerDay) return;
  const retryAfter = row.oldest ? Math.max(1, Math.ceil((Date.parse(row.oldest) + DAY_MS - Date.now()) / 1000)) : 3600;
  throw new Problem(
    429,
    `an organizer may create at most ${quotas.eventsPerDay} events a day; try again later`,
    {},
    { "retry-after": String(retryAfter) },
  );
}
