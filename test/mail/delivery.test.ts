import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { queueMail } from "../../src/mail/outbox";
import { withSession } from "../../src/shared/database";
import worker from "../../workers/api/index";
import { MAIL_DEAD_LETTER_QUEUE_NAME, MAIL_QUEUE_NAME, retryDelay } from "../../workers/api/mail/delivery";
import { query } from "../booking-helpers";
import { word } from "../helpers";
import { mailedBooking, outboxBy, outboxRow, recordingQueue } from "./mail-helpers";

/** A message written to the outbox directly (not handed to the real queue, so only the test delivers it). */
async function pendingMail(to = `${word()}@example.test`): Promise<string> {
  const id = await withSession(env, (db) =>
    queueMail(db(), { dedupeKey: `test:${word(12)}`, kind: "test", to, language: "en", subject: `Subject ${word(6)}`, text: "Hello", html: "<p>Hello</p>" }),
  );
  expect(id).toBeDefined();
  return id ?? "";
}

/** Runs the Worker's queue handler on a batch of outbox ids, with some bindings changed. */
async function consume(queue: string, ids: string[], change: Partial<Env> = {}, attempts = 1) {
  const batch = createMessageBatch<{ id: string }>(
    queue,
    ids.map((id, i) => ({ id: `msg-${i}-${word(6)}`, timestamp: new Date(), attempts, body: { id } })),
  );
  await worker.queue(batch, { ...env, ...change });
  return getQueueResult(batch, createExecutionContext());
}

/** An Email Service binding that keeps what it is asked to send, or fails the way a refused send fails. */
function recordingEmail(options: { fail?: string } = {}) {
  const sent: { from: string; to: string; subject: string; text?: string; html?: string }[] = [];
  const binding = {
    send: async (message: (typeof sent)[number]) => {
      if (options.fail) throw new Error(options.fail);
      sent.push(message);
      return { messageId: `<${word()}@test>` };
    },
  };
  return { sent, binding: binding as unknown as SendEmail };
}

describe("the MAIL queue's consumer", () => {
  it("sends the message through Email Service, from MAIL_FROM, and marks it sent", async () => {
    const to = `${word()}@example.test`;
    const id = await pendingMail(to);
    const email = recordingEmail();
    const result = await consume(MAIL_QUEUE_NAME, [id], { EMAIL: email.binding });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await outboxRow(id);
    expect(email.sent).toEqual([{ from: env.MAIL_FROM, to, subject: row.subject, text: "Hello", html: "<p>Hello</p>" }]);
    expect(row).toMatchObject({ state: "sent", attempts: 1, last_error: null });
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it("the local Email Service binding accepts the message as the consumer builds it", async () => {
    const id = await pendingMail();
    const result = await consume(MAIL_QUEUE_NAME, [id]);
    expect(result.retryMessages).toEqual([]);
    expect((await outboxRow(id)).state).toBe("sent");
  });

  it("a message already sent is not sent again", async () => {
    const id = await pendingMail();
    await consume(MAIL_QUEUE_NAME, [id], { EMAIL: recordingEmail().binding });
    const again = recordingEmail();
    const result = await consume(MAIL_QUEUE_NAME, [id, id], { EMAIL: again.binding });
    expect(again.sent).toEqual([]);
    expect(result.explicitAcks).toHaveLength(2);
    expect((await outboxRow(id)).attempts).toBe(1);
  });

  it("a failed send is retried with backoff, counted, and not marked sent; the error keeps no address", async () => {
    const to = `${word()}@example.test`;
    const id = await pendingMail(to);
    const result = await consume(MAIL_QUEUE_NAME, [id], { EMAIL: recordingEmail({ fail: `destination ${to} is not verified` }).binding }, 3);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.explicitAcks).toEqual([]);
    const row = await outboxRow(id);
    expect(row).toMatchObject({ state: "pending", attempts: 1, sent_at: null });
    expect(row.last_error).toContain("is not verified");
    expect(row.last_error).not.toContain(to);
    // The queue hands it back after the backoff; the sweep leaves it alone until then.
    const [{ wait } = { wait: 0 }] = await query<{ wait: number }>("select extract(epoch from queued_at - now())::float8 as wait from mail_outbox where id = $1", [id]);
    expect(wait).toBeGreaterThan(retryDelay(3) - 30);
    expect(retryDelay(1)).toBe(30);
    expect(retryDelay(3)).toBe(120);
    expect(retryDelay(20)).toBe(15 * 60);
  });

  it("a message whose row does not exist (its transaction rolled back) is dropped, not retried", async () => {
    const result = await consume(MAIL_QUEUE_NAME, [`ml_${word(20)}`], { EMAIL: recordingEmail({ fail: "must not be called" }).binding });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
  });
});

describe("the whole path", () => {
  it("a confirmation handed to the real MAIL queue is delivered by the Worker's consumer and marked sent", async () => {
    const { bookingId } = await mailedBooking([5]);
    // The queue cannot be driven from a test: wait for its consumer (batches leave after at most 1 s).
    const deadline = Date.now() + 15_000;
    let state = "pending";
    while (state === "pending" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      state = (await outboxBy(`booking-confirmed:${bookingId}`))[0]?.state ?? "missing";
    }
    expect(state).toBe("sent");
  });
});

describe("the dead-letter queue's consumer", () => {
  it("marks a message the queue gave up on as failed, and leaves a sent one alone", async () => {
    const [given, sent] = [await pendingMail(), await pendingMail()];
    await consume(MAIL_QUEUE_NAME, [sent], { EMAIL: recordingEmail().binding });
    const result = await consume(MAIL_DEAD_LETTER_QUEUE_NAME, [given, sent]);
    expect(result.explicitAcks).toHaveLength(2);
    expect((await outboxRow(given)).state).toBe("failed");
    expect((await outboxRow(sent)).state).toBe("sent");
  });
});

describe("the outbox sweep (cron)", () => {
  it("re-queues mail pending for more than two minutes, and nothing fresh, sent, failed or waiting for a retry", async () => {
    const [old, fresh, oldSent, oldFailed, retrying] = [await pendingMail(), await pendingMail(), await pendingMail(), await pendingMail(), await pendingMail()];
    await query("update mail_outbox set created_at = now() - interval '10 minutes' where id = any($1)", [[old, oldSent, oldFailed, retrying]]);
    await query("update mail_outbox set state = 'sent', sent_at = now() where id = $1", [oldSent]);
    await query("update mail_outbox set state = 'failed' where id = $1", [oldFailed]);
    await query("update mail_outbox set queued_at = now() + interval '5 minutes' where id = $1", [retrying]);

    const queue = recordingQueue();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, MAIL_QUEUE: queue.queue });
    const requeued = queue.sent.map((m) => (m as { id: string }).id);
    expect(requeued).toContain(old);
    for (const id of [fresh, oldSent, oldFailed, retrying]) expect(requeued).not.toContain(id);
    // Taken: the next sweep, minutes later, does not queue it again at once.
    expect((await outboxRow(old)).queued_at).toBeInstanceOf(Date);
    const again = recordingQueue();
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, MAIL_QUEUE: again.queue });
    expect(again.sent.map((m) => (m as { id: string }).id)).not.toContain(old);
  });

  it("deletes sent mail after 30 days, and keeps failed and recent mail", async () => {
    const [oldSent, recentSent, oldFailed] = [await pendingMail(), await pendingMail(), await pendingMail()];
    await query("update mail_outbox set state = 'sent', sent_at = now() where id = any($1)", [[oldSent, recentSent]]);
    await query("update mail_outbox set state = 'failed' where id = $1", [oldFailed]);
    await query("update mail_outbox set created_at = now() - interval '31 days' where id = any($1)", [[oldSent, oldFailed]]);
    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, MAIL_QUEUE: recordingQueue().queue });
    const left = await query<{ id: string }>("select id from mail_outbox where id = any($1)", [[oldSent, recentSent, oldFailed]]);
    expect(left.map((r) => r.id).sort()).toEqual([recentSent, oldFailed].sort());
  });
});
