/**
 * The offers' mail, from the room's alarm. An offer is made inside a
 * synchronous storage step, where Postgres cannot be written, so the step
 * leaves a row in `waitlist_notices`; the alarm writes the mail to the
 * Postgres outbox (dedupe key `waitlist-offer:<holdId>`, so a retry after a
 * crash writes nothing twice), hands it to the MAIL queue, and only then
 * deletes the row. A failure keeps the row and is retried with backoff: no
 * offer's mail is lost. An offer that ended before its mail was written
 * (the fan paid, left, or it lapsed) needs none.
 *
 * The fan's address and language are in Postgres (`waitlist_entries`,
 * written by the join route after the room took the entry); until that row
 * exists the notice waits.
 */
import { and, eq } from "drizzle-orm";
import { mailEvent, mailPlaces } from "../../src/mail/notices";
import { mailer } from "../../src/mail/outbox";
import { waitlistOfferMail } from "../../src/mail/templates";
import { openSession, type Database } from "../../src/shared/database";
import { waitlistEntries } from "../../src/shared/db-schema";
import { log, redact } from "../../src/shared/log";
import { isLive, type Hold } from "./rules";
import type { SeatLedger } from "./seat-ledger";
import type { Notice } from "./waitlist-book";

/** Notices written per alarm run; the rest wait for the next run, at once. */
const NOTICE_BATCH = 25;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 10 * 60_000;
/** A contact that never arrives (the join route failed after the room took the entry): given up after about a day. */
const MAX_ATTEMPTS = 150;

type Outcome = "written" | "no-address" | "no-contact-yet";

export async function notifyOffers(env: Env, ledger: SeatLedger, clock: () => number): Promise<void> {
  const { waitlist, state } = ledger;
  const eventId = state.catalog.eventId;
  const due = waitlist.dueNotices(clock(), NOTICE_BATCH);
  if (due.length === 0) return;
  const session = openSession(env);
  const mail = mailer(env);
  try {
    for (const notice of due) {
      // Re-read after every await: the offer may have ended meanwhile.
      const hold = ledger.find(notice.holdId);
      if (!hold || !isLive(hold, clock()) || hold.state === "booked") {
        waitlist.noticeDone(notice.holdId);
        continue;
      }
      let outcome: Outcome | "failed";
      try {
        outcome = await writeOfferMail(session.db(), mail, eventId, notice, hold);
      } catch (error) {
        // A database error can quote the row it refused: addresses are stripped.
        log("warn", "waitlist_notice_failed", { eventId, holdId: notice.holdId, attempts: notice.attempts + 1, message: redact(String(error)) });
        outcome = "failed";
      }
      if (outcome === "written" || outcome === "no-address" || notice.attempts + 1 >= MAX_ATTEMPTS) {
        if (outcome !== "written") log("warn", "waitlist_notice_dropped", { eventId, holdId: notice.holdId, userId: notice.userId, outcome });
        waitlist.noticeDone(notice.holdId);
      } else {
        waitlist.retryNotice(notice.holdId, clock() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** notice.attempts));
      }
    }
    // After the outbox rows are committed (each insert commits on its own); the cron sweep sends what this misses.
    await mail.dispatch();
  } finally {
    await session.end();
  }
}

async function writeOfferMail(db: Database, mail: ReturnType<typeof mailer>, eventId: string, notice: Notice, hold: Hold): Promise<Outcome> {
  const [contact] = await db
    .select({ email: waitlistEntries.email, language: waitlistEntries.language })
    .from(waitlistEntries)
    .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.userId, notice.userId)));
  if (!contact) return "no-contact-yet";
  if (!contact.email) return "no-address";
  const event = await mailEvent(db, eventId);
  if (!event) return "no-address";
  const seats = await mailPlaces(db, eventId, hold.seats);
  await mail.write(db, {
    dedupeKey: `waitlist-offer:${hold.id}`,
    to: contact.email,
    ...waitlistOfferMail({
      language: contact.language,
      publicUrl: mail.env.PUBLIC_URL,
      event,
      seats,
      expiresAt: new Date(hold.expiresAt).toISOString(),
      totalCents: hold.totalCents,
      currency: hold.currency,
    }),
  });
  log("info", "waitlist_offer_mailed", { eventId, holdId: hold.id, userId: notice.userId });
  return "written";
}
