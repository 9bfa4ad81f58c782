/** @jsxImportSource hono/jsx */
/**
 * Local development only (DEV_AUTH=1): the mail outbox as a page, newest
 * first. Each message's HTML is shown in a sandboxed frame (no scripts, no
 * access to this page), with its plain-text part beside it.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { recentMail } from "../mail/outbox";
import { validationProblem } from "../problem";
import { MAIL_LISTED, MailQuery } from "../routes/dev-mail";
import { devOnly } from "../routes/dev";
import { Layout } from "./layout";

export const devMailPage = new Hono<AppEnv>();

const stamp = (date: Date | null) => (date ? date.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "not yet");

devMailPage.get("/dev/mail", devOnly, async (c) => {
  const query = MailQuery.safeParse({ to: c.req.query("to") || undefined });
  if (!query.success) throw validationProblem(query.error, "query");
  const { to } = query.data;
  const messages = await recentMail(c.var.db(), { to, limit: MAIL_LISTED });
  return c.html(
    <Layout title="Mail (development)" env={c.env}>
      <h1>Mail (development)</h1>
      <p class="notice">
        Every message the system wrote to its outbox, newest first (at most {MAIL_LISTED}). Locally Email Service only writes files; this is what fans would
        receive.
      </p>
      <form method="get" action="/dev/mail" class="search">
        <label>
          To
          <input type="email" name="to" value={to ?? ""} placeholder="fan@example.test" />
        </label>
        <button type="submit">Filter</button>
      </form>
      {messages.length === 0 ? <p>No mail yet.</p> : null}
      {messages.map((m) => (
        <article class="panel" style="margin-top:1rem">
          <h2 style="margin:0;font-size:1.15rem">{m.subject}</h2>
          <p class="meta" style="margin:0">
            To {m.toAddress} · {m.kind} · {m.language} · {m.state}
            {m.attempts > 0 ? ` after ${m.attempts} attempt(s)` : ""} · written {stamp(m.createdAt)} · sent {stamp(m.sentAt)}
          </p>
          {m.lastError ? <p class="error">{m.lastError}</p> : null}
          <iframe sandbox="" srcdoc={m.html} title={`HTML of ${m.subject}`} style="width:100%;height:32rem;border:1px solid #ccc;border-radius:.4rem" />
          <details>
            <summary>Plain-text part</summary>
            <pre style="white-space:pre-wrap">{m.text}</pre>
          </details>
        </article>
      ))}
    </Layout>,
  );
});
