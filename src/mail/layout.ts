/**
 * The frame of every message: one description of its content (a title and
 * blocks), drawn twice, as HTML with inline styles (mail clients drop
 * stylesheets) and as the plain-text part. Every value drawn into the HTML
 * is escaped here, so a template cannot forget to: event names, seat labels
 * and reasons come from organizers, codes and links from us.
 */
import type { MailLanguage } from "./locale";

export type Block =
  | { type: "paragraph"; text: string }
  /** Label and value pairs: the event, its date, the venue, an amount. */
  | { type: "facts"; rows: { label: string; value: string }[] }
  /** One entry per ticket, each with its QR code when it has one. */
  | { type: "tickets"; items: { label: string; qr?: { src: string; alt: string } }[] }
  /** The one thing to do next, as a button (and a plain link in text). */
  | { type: "action"; label: string; url: string };

export interface Letter {
  language: MailLanguage;
  /** The heading, and the HTML document's title. */
  title: string;
  blocks: Block[];
  /** Why the fan receives this mail. */
  footer: string;
}

export interface Rendered {
  html: string;
  text: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A link we put in a message: only http(s), so an href can never run script. */
function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : "#";
}

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";
const STYLE = {
  body: `margin:0;padding:0;background:#f3f4f6;${FONT}color:#111827;`,
  card: "max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;",
  brand: "font-size:14px;font-weight:700;letter-spacing:.04em;color:#4f46e5;text-transform:uppercase;margin:0 0 16px;",
  title: "font-size:22px;line-height:1.3;margin:0 0 16px;",
  paragraph: "font-size:16px;line-height:1.5;margin:0 0 16px;",
  label: "font-size:14px;color:#6b7280;padding:4px 16px 4px 0;vertical-align:top;white-space:nowrap;",
  value: "font-size:16px;padding:4px 0;vertical-align:top;",
  ticket: "border:1px solid #e5e7eb;border-radius:8px;padding:16px;margin:0 0 12px;text-align:center;",
  ticketLabel: "font-size:16px;font-weight:600;margin:0 0 8px;",
  qr: "display:block;margin:0 auto;width:180px;height:180px;border:0;",
  button: "display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px;",
  footer: "font-size:12px;line-height:1.5;color:#6b7280;max-width:560px;margin:16px auto 0;text-align:center;",
};

function blockHtml(block: Block): string {
  switch (block.type) {
    case "paragraph":
      return `<p style="${STYLE.paragraph}">${escapeHtml(block.text)}</p>`;
    case "facts":
      return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;">${block.rows
        .map((r) => `<tr><td style="${STYLE.label}">${escapeHtml(r.label)}</td><td style="${STYLE.value}">${escapeHtml(r.value)}</td></tr>`)
        .join("")}</table>`;
    case "tickets":
      return block.items
        .map((t) => {
          const qr = t.qr ? `<img src="${escapeHtml(safeUrl(t.qr.src))}" alt="${escapeHtml(t.qr.alt)}" width="180" height="180" style="${STYLE.qr}">` : "";
          return `<div style="${STYLE.ticket}"><p style="${STYLE.ticketLabel}">${escapeHtml(t.label)}</p>${qr}</div>`;
        })
        .join("");
    case "action":
      return `<p style="${STYLE.paragraph}"><a href="${escapeHtml(safeUrl(block.url))}" style="${STYLE.button}">${escapeHtml(block.label)}</a></p>`;
  }
}

function blockText(block: Block): string {
  switch (block.type) {
    case "paragraph":
      return block.text;
    case "facts":
      return block.rows.map((r) => `${r.label}: ${r.value}`).join("\n");
    case "tickets":
      return block.items.map((t) => `- ${t.label}`).join("\n");
    case "action":
      return `${block.label}: ${safeUrl(block.url)}`;
  }
}

export function render(letter: Letter): Rendered {
  const html = [
    "<!doctype html>",
    `<html lang="${letter.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${escapeHtml(letter.title)}</title></head>`,
    `<body style="${STYLE.body}"><div style="padding:24px 12px;">`,
    `<div style="${STYLE.card}"><p style="${STYLE.brand}">Edge Tickets</p><h1 style="${STYLE.title}">${escapeHtml(letter.title)}</h1>`,
    ...letter.blocks.map(blockHtml),
    `</div><p style="${STYLE.footer}">${escapeHtml(letter.footer)}</p></div></body></html>`,
  ].join("");
  const text = [letter.title, ...letter.blocks.map(blockText), "--", letter.footer].join("\n\n") + "\n";
  return { html, text };
}

/** A subject is one header line: no line breaks or control characters (organizer text can hold them). */
export function subjectLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, " ").trim().slice(0, 200);
}
