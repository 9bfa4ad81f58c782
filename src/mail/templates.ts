/**
 * Every message the system sends, one function each: plain data in (strings,
 * numbers, ISO dates; never database rows), subject, HTML and text out, in
 * the fan's language. Callers write the result to the outbox with
 * `queueMail(tx, { dedupeKey, to, ...bookingConfirmedMail(input) })`.
 *
 * Links point at PUBLIC_URL. A ticket's QR code is an image the site draws
 * from the ticket's code (`/api/tickets/qr.png`), so the mail carries no
 * attachment and the code is the same one the door verifies.
 */
import { COPY, type Place } from "./copy";
import { render, subjectLine, type Block } from "./layout";
import { formatDateTime, formatMoney, mailLanguage, type MailLanguage } from "./locale";

export type { Place as MailSeat } from "./copy";

export interface MailEvent {
  id: string;
  name: string;
  /** ISO 8601. */
  startsAt: string;
  venueName: string;
  city: string;
  /** The venue's IANA time zone; dates are written in it (UTC without one). */
  timeZone?: string | null;
}

export interface MailTicket extends Place {
  /** The code its QR carries (what the door verifies). */
  code: string;
}

interface MailBase {
  /** As stored ("es", "es-MX", null): normalized, English by default. */
  language: string | null | undefined;
  /** The site's origin for links (env.PUBLIC_URL). */
  publicUrl: string;
  event: MailEvent;
}

export interface BookingConfirmedInput extends MailBase {
  bookingId: string;
  tickets: MailTicket[];
  totalCents: number;
  currency: string;
}

export interface RefundInput extends MailBase {
  bookingId: string;
  /** The refunded tickets. */
  tickets: Place[];
  amountCents: number;
  currency: string;
}

export interface EventCancelledInput extends MailBase {
  bookingId: string;
  /** What is being refunded to the fan. */
  amountCents: number;
  currency: string;
  /** The organizer's reason, if they gave one. */
  reason?: string | null;
}

export interface TransferSentInput extends MailBase {
  tickets: Place[];
  /** Whom they went to, as the sender named them (an email address or a user id). */
  recipient?: string | null;
}

export interface TransferReceivedInput extends MailBase {
  tickets: Place[];
  /** Who gave them, if it may be said. */
  sender?: string | null;
}

export interface TicketVoidedInput extends MailBase {
  tickets: Place[];
  /** The event was cancelled (else: the tickets were refunded). */
  cancelled: boolean;
}

export interface WaitlistOfferInput extends MailBase {
  seats: Place[];
  /** ISO 8601: when the offered hold lapses. */
  expiresAt: string;
  totalCents?: number | null;
  currency?: string | null;
}

export const MAIL_KINDS = ["booking-confirmed", "refund", "event-cancelled", "transfer-sent", "transfer-received", "ticket-voided", "waitlist-offer"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface MailContent {
  kind: MailKind;
  language: MailLanguage;
  subject: string;
  text: string;
  html: string;
}

const site = (publicUrl: string, path: string) => `${publicUrl.replace(/\/+$/, "")}${path}`;

/** The event, its date and venue: the facts every message about it starts with. */
function eventFacts(language: MailLanguage, event: MailEvent): { label: string; value: string }[] {
  const { labels } = COPY[language];
  return [
    { label: labels.event, value: event.name },
    { label: labels.date, value: formatDateTime(event.startsAt, language, event.timeZone) },
    { label: labels.venue, value: `${event.venueName}, ${event.city}` },
  ];
}

function letter(kind: MailKind, language: MailLanguage, subject: string, title: string, blocks: Block[]): MailContent {
  const { html, text } = render({ language, title, blocks, footer: COPY[language].footer });
  return { kind, language, subject: subjectLine(subject), text, html };
}

export function bookingConfirmedMail(input: BookingConfirmedInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.bookingConfirmed;
  const { event } = input;
  return letter("booking-confirmed", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ count: input.tickets.length, event: event.name }) },
    {
      type: "facts",
      rows: [
        ...eventFacts(language, event),
        { label: copy.labels.totalPaid, value: formatMoney(input.totalCents, input.currency, language) },
        { label: copy.labels.booking, value: input.bookingId },
      ],
    },
    { type: "paragraph", text: words.door },
    {
      type: "tickets",
      items: input.tickets.map((ticket) => {
        const place = copy.place(ticket);
        return { label: place, qr: { src: site(input.publicUrl, `/api/tickets/qr.png?token=${encodeURIComponent(ticket.code)}`), alt: words.qrAlt({ place }) } };
      }),
    },
    { type: "action", label: copy.myTickets, url: site(input.publicUrl, "/me/tickets") },
  ]);
}

export function refundMail(input: RefundInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.refund;
  const { event } = input;
  const amount = formatMoney(input.amountCents, input.currency, language);
  const count = input.tickets.length;
  return letter("refund", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ count, event: event.name, amount }) },
    { type: "facts", rows: [...eventFacts(language, event), { label: copy.labels.refund, value: amount }, { label: copy.labels.booking, value: input.bookingId }] },
    { type: "tickets", items: input.tickets.map((t) => ({ label: copy.place(t) })) },
    { type: "paragraph", text: words.void({ count }) },
    { type: "paragraph", text: words.timing },
    { type: "action", label: copy.myTickets, url: site(input.publicUrl, "/me/tickets") },
  ]);
}

export function eventCancelledMail(input: EventCancelledInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.eventCancelled;
  const { event } = input;
  const amount = formatMoney(input.amountCents, input.currency, language);
  const reason = input.reason?.trim();
  return letter("event-cancelled", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ event: event.name, date: formatDateTime(event.startsAt, language, event.timeZone) }) },
    ...(reason ? [{ type: "paragraph" as const, text: words.reason({ reason }) }] : []),
    { type: "paragraph", text: words.refund({ amount }) },
    { type: "facts", rows: [...eventFacts(language, event), { label: copy.labels.refund, value: amount }, { label: copy.labels.booking, value: input.bookingId }] },
    { type: "paragraph", text: words.void },
  ]);
}

export function transferSentMail(input: TransferSentInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.transferSent;
  const { event } = input;
  const count = input.tickets.length;
  return letter("transfer-sent", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ count, event: event.name, recipient: input.recipient?.trim() || null }) },
    { type: "facts", rows: eventFacts(language, event) },
    { type: "tickets", items: input.tickets.map((t) => ({ label: copy.place(t) })) },
    { type: "paragraph", text: words.void({ count }) },
    { type: "paragraph", text: words.notYou },
  ]);
}

/** To the holder of tickets given to them, when they are refunded to their buyer or the event is cancelled. */
export function ticketVoidedMail(input: TicketVoidedInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.ticketVoided;
  const { event } = input;
  const count = input.tickets.length;
  const why = input.cancelled ? words.cancelled({ count, event: event.name }) : words.refunded({ count, event: event.name });
  return letter("ticket-voided", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: why },
    { type: "facts", rows: eventFacts(language, event) },
    { type: "tickets", items: input.tickets.map((t) => ({ label: copy.place(t) })) },
    { type: "paragraph", text: words.void({ count }) },
    { type: "action", label: copy.myTickets, url: site(input.publicUrl, "/me/tickets") },
  ]);
}

export function transferReceivedMail(input: TransferReceivedInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.transferReceived;
  const { event } = input;
  return letter("transfer-received", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ count: input.tickets.length, event: event.name, sender: input.sender?.trim() || null }) },
    { type: "facts", rows: eventFacts(language, event) },
    { type: "tickets", items: input.tickets.map((t) => ({ label: copy.place(t) })) },
    { type: "paragraph", text: words.how },
    { type: "action", label: copy.myTickets, url: site(input.publicUrl, "/me/tickets") },
  ]);
}

export function waitlistOfferMail(input: WaitlistOfferInput): MailContent {
  const language = mailLanguage(input.language);
  const copy = COPY[language];
  const words = copy.waitlistOffer;
  const { event } = input;
  const count = input.seats.length;
  const time = formatDateTime(input.expiresAt, language, event.timeZone);
  const price = input.totalCents != null && input.currency ? [{ label: copy.labels.price, value: formatMoney(input.totalCents, input.currency, language) }] : [];
  return letter("waitlist-offer", language, words.subject({ event: event.name }), words.title, [
    { type: "paragraph", text: words.intro({ count, event: event.name }) },
    { type: "paragraph", text: words.deadline({ count, time }) },
    { type: "facts", rows: [...eventFacts(language, event), ...price, { label: copy.labels.payBy, value: time }] },
    { type: "tickets", items: input.seats.map((s) => ({ label: copy.place(s) })) },
    { type: "action", label: words.action, url: site(input.publicUrl, `/events/${encodeURIComponent(event.id)}`) },
    { type: "paragraph", text: words.lapse },
  ]);
}
