/**
 * The mail outbox: a message is written to Postgres in the same transaction
 * as what caused it (a booking confirmed, a refund, a transfer, a waitlist
 * offer), so no message is ever lost or sent for something that did not
 * happen. Delivery happens after commit: the writer hands the row's id to
 * the MAIL queue, whose consumer sends it through Email Service
 * (`workers/api/mail/delivery.ts`); a cron sweep re-queues what was written
 * but never handed over (the queue was down, `wrangler dev` restarted).
 *
 * The queue message carries only the id: the address and the content stay
 * in Postgres, never in a queue or a log.
 *
 * Lives in `src/` because the booking lifecycle writes mail, and the
 * SeatRoom's alarm drives the lifecycle (a room must not import the API).
 */
import { mailOutbox } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { newId } from "../shared/ids";
import { log } from "../shared/log";
import type { CodeKeys } from "../shared/ticket-codes";

export interface OutgoingMail {
  /** One message per key, however often its cause is retried (e.g. `booking-confirmed:<bookingId>`). */
  dedupeKey: string;
  kind: string;
  to: string;
  language: string;
  subject: string;
  text: string;
  html: string;
}

/** The body of a MAIL queue message. */
export interface MailMessage {
  id: string;
}

/**
 * Writes a message (once per dedupe key) inside the caller's transaction, or
 * on its own. Returns the new row's id, or undefined when the key was
 * written before (nothing new to deliver).
 */
export async function queueMail(db: Pick<Database, "insert">, mail: OutgoingMail): Promise<string | undefined> {
  const [row] = await db
    .insert(mailOutbox)
    .values({
      id: newId("ml"),
      dedupeKey: mail.dedupeKey,
      kind: mail.kind,
      toAddress: mail.to,
      language: mail.language,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    })
    .onConflictDoNothing({ target: mailOutbox.dedupeKey })
    .returning({ id: mailOutbox.id });
  return row?.id;
}

/** The queue's limit of messages per `sendBatch`. */
const SEND_BATCH = 100;

/**
 * Hands committed outbox rows to the MAIL queue. Never throws: a message the
 * queue did not take is still pending in the outbox, and the sweep sends it.
 */
export async function dispatchMail(env: Pick<Env, "MAIL_QUEUE">, ids: Iterable<string | undefined>): Promise<void> {
  const messages = [...new Set(ids)].filter((id): id is string => id !== undefined).map((id) => ({ body: { id } satisfies MailMessage }));
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    const batch = messages.slice(i, i + SEND_BATCH);
    try {
      await env.MAIL_QUEUE.sendBatch(batch);
    } catch (error) {
      log("warn", "mail_dispatch_failed", { messages: batch.length, message: error instanceof Error ? error.name : "error" });
    }
  }
}

/** What mail needs from the environment: the queue, the site's links, the keys ticket codes are signed with. */
export type MailEnv = Pick<Env, "MAIL_QUEUE" | "PUBLIC_URL"> & CodeKeys;

/**
 * The mail of one unit of work (a request, an alarm run, a job step): it
 * remembers the messages written through it, and `dispatch` hands them to
 * the queue once their transaction has committed.
 */
export interface Mailer {
  readonly env: MailEnv;
  /** `queueMail` inside the caller's transaction, remembering the message for `dispatch`. */
  write(db: Pick<Database, "insert">, mail: OutgoingMail): Promise<void>;
  /**
   * After commit: hands every message written so far to the queue. Never
   * throws; with a request's `waitUntil` it does not even wait for the queue.
   */
  dispatch(): Promise<void>;
}

export function mailer(env: MailEnv, context?: Pick<ExecutionContext, "waitUntil">): Mailer {
  let written: string[] = [];
  return {
    env,
    async write(db, mail) {
      const id = await queueMail(db, mail);
      if (id) written.push(id);
    },
    async dispatch() {
      const ids = written;
      written = [];
      if (ids.length === 0) return;
      const sent = dispatchMail(env, ids);
      if (context) context.waitUntil(sent);
      else await sent;
    },
  };
}
