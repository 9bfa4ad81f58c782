/**
 * The API's side of the mail outbox. Writing a message and handing it to the
 * queue live in `src/mail/outbox.ts` (the booking lifecycle writes mail, and
 * the SeatRoom's alarm drives the lifecycle, so that code cannot live in the
 * API); they are re-exported here for routes. This module adds what only the
 * API does: the dev read of what was sent.
 */
import { desc, sql } from "drizzle-orm";
import { mailOutbox } from "../../../src/shared/db-schema";
import type { Database } from "../env";

export { dispatchMail, mailer, queueMail, type Mailer, type MailMessage, type OutgoingMail } from "../../../src/mail/outbox";

/** The newest messages of the outbox, to one address (in any case) or all (dev only: addresses and content). */
export async function recentMail(db: Database, options: { to?: string | undefined; limit: number }) {
  return db
    .select()
    .from(mailOutbox)
    .where(options.to ? sql`lower(${mailOutbox.toAddress}) = lower(${options.to})` : undefined)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(options.limit);
}
