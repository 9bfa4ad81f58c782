/**
 * Delivering the outbox: the MAIL queue's consumer, its dead-letter
 * consumer, and the sweep that re-queues what the queue never got.
 *
 * A message's life in `mail_outbox`: `pending` when written (with what
 * caused it) → `sent` once Email Service accepted it, or `failed` once the
 * queue gave up on it (its last retry went to the dead-letter queue).
 *
 * - The consumer loads the row by the id the message carries, skips a row
 *   that is no longer pending, sends, and marks it sent. A failed send
 *   counts an attempt, keeps the error (scrubbed of addresses) and is
 *   retried with exponential backoff; `queued_at` says when the queue will
 *   hand it back, so the sweep leaves it alone meanwhile.
 * - The sweep (cron) re-queues rows pending for more than two minutes since
 *   they were written or last queued: mail written while the queue was down,
 *   or whose queue message was lost (locally, a `wrangler dev` restart).
 *   It also deletes sent mail after 30 days (content and addresses are not
 *   kept longer than support needs them); failed mail stays for an operator.
 *
 * Delivery is at least once: a crash between the send and the mark, or two
 * copies of one message in the queue at the same moment, can send a message
 * twice; nothing can lose one.
 */
import { and, eq, sql } from "drizzle-orm";
import { mailOutbox } from "../../../src/shared/db-schema";
import { withSession, type Database } from "../../../src/shared/database";
import { log, redact, step } from "../../../src/shared/log";
import { dispatchMail, type MailMessage } from "./outbox";

/** The queues of wrangler.toml (`[[queues.consumers]]`). */
export const MAIL_QUEUE_NAME = "edge-tickets-mail";
export const MAIL_DEAD_LETTER_QUEUE_NAME = "edge-tickets-mail-dead";

const RETRY_BASE_SECONDS = 30;
const RETRY_MAX_SECONDS = 15 * 60;
/** A pending row older than this, since written or last queued, is re-queued by the sweep. */
export const SWEEP_AFTER_SECONDS = 120;
/** Rows re-queued (and sent rows deleted) per sweep; the rest wait for the next one. */
const SWEEP_BATCH = 1_000;
/** Sent mail is kept this long. */
export const SENT_RETENTION_DAYS = 30;

/** Seconds before the queue hands a failed message back: 30 s, 1 min, 2 min… at most 15 min. */
export function retryDelay(attempts: number): number {
  return Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/** An error as the outbox and the logs may keep it: no addresses, no credentials, bounded. */
export function scrubError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redact(text).slice(0, 500);
}

function outboxId(body: unknown): string | undefined {
  const id = (body as Partial<MailMessage> | null)?.id;
  return typeof id === "string" && /^ml_[0-9a-z]{1,40}$/.test(id) ? id : undefined;
}

async function deliverOne(db: Database, env: Env, message: Message): Promise<void> {
  const started = Date.now();
  const id = outboxId(message.body);
  if (!id) {
    log("warn", "mail_message_malformed", { messageId: message.id });
    message.ack();
    return;
  }
  const [row] = await db.select().from(mailOutbox).where(eq(mailOutbox.id, id));
  // No row: its transaction rolled back after the id was handed over; nothing to send.
  if (!row || row.state !== "pending") {
    if (!row) log("warn", "mail_not_found", { mailId: id });
    message.ack();
    return;
  }
  try {
    await env.EMAIL.send({ from: env.MAIL_FROM, to: row.toAddress, subject: row.subject, text: row.text, html: row.html });
  } catch (error) {
    const delaySeconds = retryDelay(message.attempts);
    const lastError = scrubError(error);
    await db
      .update(mailOutbox)
      .set({ attempts: sql`${mailOutbox.attempts} + 1`, lastError, queuedAt: sql`now() + make_interval(secs => ${delaySeconds})` })
      .where(eq(mailOutbox.id, id));
    step(env, { step: "job.mail", mailId: id, kind: row.kind, attempts: message.attempts, retryInSeconds: delaySeconds, message: lastError, outcome: "retry", durationMs: Date.now() - started }, "warn");
    message.retry({ delaySeconds });
    return;
  }
  await db
    .update(mailOutbox)
    .set({ state: "sent", sentAt: sql`now()`, attempts: sql`${mailOutbox.attempts} + 1`, lastError: null })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, "pending")));
  step(env, { step: "job.mail", mailId: id, kind: row.kind, attempts: message.attempts, outcome: "sent", durationMs: Date.now() - started });
  message.ack();
}

/** The MAIL queue's consumer: each message is sent and marked, or retried on its own. */
export async function deliverMail(batch: MessageBatch, env: Env): Promise<void> {
  await withSession(env, async (db) => {
    for (const message of batch.messages) {
      try {
        await deliverOne(db(), env, message);
      } catch (error) {
        // Postgres unreachable: try the message again later (it was not sent).
        log("warn", "mail_delivery_failed", { messageId: message.id, message: scrubError(error) });
        message.retry({ delaySeconds: retryDelay(message.attempts) });
      }
    }
  });
}

/** The dead-letter queue's consumer: the queue gave up on these; the outbox says so. */
export async function failMail(batch: MessageBatch, env: Env): Promise<void> {
  await withSession(env, async (db) => {
    for (const message of batch.messages) {
      const id = outboxId(message.body);
      if (id) {
        await db()
          .update(mailOutbox)
          .set({ state: "failed" })
          .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, "pending")));
        log("error", "mail_failed", { mailId: id, attempts: message.attempts });
      }
      message.ack();
    }
  });
}

/** Re-queues mail pending too long (oldest first, a bounded batch) and deletes old sent mail; returns how many were re-queued. */
export async function sweepOutbox(env: Env): Promise<number> {
  const { ids, deleted } = await withSession(env, async (db) => {
    const taken = await db().execute<{ id: string }>(sql`
      update mail_outbox set queued_at = now()
      where id in (
        select id from mail_outbox
        where state = 'pending' and coalesce(queued_at, created_at) < now() - make_interval(secs => ${SWEEP_AFTER_SECONDS})
        order by created_at
        limit ${SWEEP_BATCH}
        for update skip locked)
      returning id`);
    // By created_at, which the (state, created_at) index serves; a message is sent within minutes of being written.
    const pruned = await db().execute(sql`
      delete from mail_outbox
      where id in (
        select id from mail_outbox
        where state = 'sent' and created_at < now() - make_interval(days => ${SENT_RETENTION_DAYS})
        limit ${SWEEP_BATCH})`);
    return { ids: taken.rows.map((r) => r.id), deleted: pruned.rowCount ?? 0 };
  });
  await dispatchMail(env, ids);
  if (ids.length > 0 || deleted > 0) log("info", "mail_swept", { requeued: ids.length, deleted });
  return ids.length;
}

/** The Worker's `queue` handler: the MAIL queue and its dead-letter queue. */
export async function onMailQueue(batch: MessageBatch, env: Env): Promise<void> {
  if (batch.queue === MAIL_DEAD_LETTER_QUEUE_NAME) return failMail(batch, env);
  if (batch.queue === MAIL_QUEUE_NAME) return deliverMail(batch, env);
  log("error", "unknown_queue", { queue: batch.queue, messages: batch.messages.length });
  batch.retryAll();
}
