/**
 * An event's presale and promo codes in Postgres: what each code is. The
 * event's SeatRoom loads them with its catalog (told again after every
 * change) and counts their uses (workers/seat-room/prices.ts), so a reserve
 * with a code never waits on Postgres.
 */
import { and, asc, eq } from "drizzle-orm";
import type { CodeCreate, CodePatch, CodeView } from "../../../src/shared/codes";
import { eventCodes, events } from "../../../src/shared/db-schema";
import { newId } from "../../../src/shared/ids";
import type { Database, ReadDatabase } from "../env";
import { sectionsOf } from "../ops/figures";
import type { Tx } from "./writes";
import { badRequest, conflict, notFound } from "../problem";

type CodeRow = typeof eventCodes.$inferSelect;
export type CodeUses = Record<string, { reserved: number; spent: number }>;

const at = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);

export function codeView(row: CodeRow, uses: CodeUses | null): CodeView {
  const discount = row.discountPercentBp !== null || row.discountFixedCents !== null ? { percentBp: row.discountPercentBp, fixedCents: row.discountFixedCents } : null;
  return {
    codeId: row.id,
    code: row.code,
    kind: row.kind,
    discount,
    sections: row.sections,
    maxUses: row.maxUses,
    startsAt: row.startsAt?.toISOString() ?? null,
    endsAt: row.endsAt?.toISOString() ?? null,
    disabled: row.disabled,
    uses: uses ? (uses[row.id] ?? { reserved: 0, spent: 0 }) : null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function createCode(db: Database, eventId: string, input: CodeCreate, createdBy: string): Promise<CodeRow> {
  if (input.sections) {
    const known = new Set((await sectionsOf(db, eventId)).map((s) => s.name));
    const unknown = input.sections.filter((s) => !known.has(s));
    if (unknown.length > 0) throw badRequest(`sections: the event has no section ${unknown.join(", ")}`);
  }
  const [row] = await changingEvent(db, eventId, (tx) =>
    tx
      .insert(eventCodes)
      .values({
        id: newId("cd"),
        eventId,
        code: input.code,
        kind: input.kind,
        discountPercentBp: input.discount && "percentBp" in input.discount ? input.discount.percentBp : null,
        discountFixedCents: input.discount && "fixedCents" in input.discount ? input.discount.fixedCents : null,
        sections: input.sections ? [...new Set(input.sections)] : null,
        maxUses: input.maxUses,
        startsAt: at(input.startsAt),
        endsAt: at(input.endsAt),
        createdBy,
      })
      .onConflictDoNothing()
      .returning(),
  );
  if (!row) throw conflict(`the event already has a code ${input.code}`);
  return row;
}

/**
 * A change to the event's codes, with the event's `updated_at` moved in the
 * same transaction: the event's room orders the catalogs it is told about
 * by that time, so a late read never undoes a later change.
 */
async function changingEvent<T>(db: Database, eventId: string, change: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await change(tx);
    await tx.update(events).set({ updatedAt: new Date() }).where(eq(events.id, eventId));
    return result;
  });
}

export async function listCodes(db: ReadDatabase, eventId: string): Promise<CodeRow[]> {
  return db.select().from(eventCodes).where(eq(eventCodes.eventId, eventId)).orderBy(asc(eventCodes.createdAt), asc(eventCodes.id));
}

export async function patchCode(db: Database, eventId: string, codeId: string, patch: CodePatch): Promise<CodeRow> {
  const [current] = await db.select().from(eventCodes).where(and(eq(eventCodes.id, codeId), eq(eventCodes.eventId, eventId)));
  if (!current) throw notFound(`no code ${codeId} for this event`);
  const startsAt = patch.startsAt === undefined ? current.startsAt : at(patch.startsAt);
  const endsAt = patch.endsAt === undefined ? current.endsAt : at(patch.endsAt);
  if (startsAt && endsAt && endsAt <= startsAt) throw badRequest("endsAt: must be after startsAt");
  const [row] = await changingEvent(db, eventId, (tx) =>
    tx
      .update(eventCodes)
      .set({ startsAt, endsAt, ...(patch.maxUses !== undefined ? { maxUses: patch.maxUses } : {}), ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}) })
      .where(eq(eventCodes.id, codeId))
      .returning(),
  );
  if (!row) throw notFound(`no code ${codeId} for this event`);
  return row;
}
