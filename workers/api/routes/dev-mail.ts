/**
 * Local development only (DEV_AUTH=1): the mail the system wrote, from the
 * outbox, newest first. Locally Email Service only writes files, so this is
 * where a developer (or a test) reads what a fan was sent. `/dev/mail` shows
 * the same messages as a page.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { MAIL_STATES } from "../../../src/shared/db-schema";
import { recentMail } from "../mail/outbox";
import { createApp } from "../openapi-app";
import { problemResponses } from "../problem";
import { devOnly } from "./dev";

/** Messages listed at most. */
export const MAIL_LISTED = 100;

export const MailQuery = z.object({
  to: z.email().max(254).optional().openapi({ description: "only messages to this address (any case)" }),
});

const MailView = z
  .object({
    id: z.string(),
    kind: z.string(),
    to: z.string(),
    language: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    state: z.enum(MAIL_STATES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi("DevMail");

export const devMailRoutes = createApp().openapi(
  createRoute({
    method: "get",
    path: "/dev/mail",
    operationId: "listDevMail",
    security: [],
    summary: "Local development only: the mail outbox, newest first",
    middleware: [devOnly],
    request: { query: MailQuery },
    responses: {
      200: { description: "messages", content: { "application/json": { schema: z.object({ messages: z.array(MailView) }) } } },
      ...problemResponses(400, 404),
    },
  }),
  async (c) => {
    const { to } = c.req.valid("query");
    const rows = await recentMail(c.var.db(), { to, limit: MAIL_LISTED });
    return c.json(
      {
        messages: rows.map((m) => ({
          id: m.id,
          kind: m.kind,
          to: m.toAddress,
          language: m.language,
          subject: m.subject,
          text: m.text,
          html: m.html,
          state: m.state,
          attempts: m.attempts,
          lastError: m.lastError,
          createdAt: m.createdAt.toISOString(),
          sentAt: m.sentAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  },
);
