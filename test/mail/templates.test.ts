import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/mail/layout";
import { formatDateTime, formatMoney, mailLanguage, requestLanguage } from "../../src/mail/locale";
import {
  bookingConfirmedMail,
  eventCancelledMail,
  refundMail,
  transferReceivedMail,
  transferSentMail,
  waitlistOfferMail,
  type MailContent,
  type MailEvent,
} from "../../src/mail/templates";
import { redact } from "../../src/shared/log";

const HOSTILE = `<script>alert("x")</script> & 'quotes'`;
const event: MailEvent = {
  id: "ev_abc",
  name: "Rock & Roll Night",
  startsAt: "2027-06-01T19:30:00Z",
  venueName: "Teatro Real",
  city: "Madrid",
  timeZone: "Europe/Madrid",
};
const base = { publicUrl: "https://tickets.example/", event };
const seat = { section: "Stalls", row: "A", seat: "3" };
const ga = { section: "Floor", row: null, seat: null };

/** Every message, in one language, with the same plain data. */
function everyMessage(language: string | null, e: MailEvent = event): MailContent[] {
  const common = { ...base, event: e, language };
  return [
    bookingConfirmedMail({ ...common, bookingId: "bk_1", tickets: [{ ...seat, code: "code-1" }], totalCents: 5000, currency: "eur" }),
    refundMail({ ...common, bookingId: "bk_1", tickets: [seat], amountCents: 5000, currency: "eur" }),
    eventCancelledMail({ ...common, bookingId: "bk_1", amountCents: 5000, currency: "eur", reason: "illness" }),
    transferSentMail({ ...common, tickets: [seat, ga], recipient: "friend@example.test" }),
    transferReceivedMail({ ...common, tickets: [seat, ga], sender: null }),
    waitlistOfferMail({ ...common, seats: [seat, ga], expiresAt: "2027-05-01T10:15:00Z", totalCents: 8000, currency: "eur" }),
  ];
}

describe("mail templates", () => {
  it("escape every value drawn into the HTML, and keep it readable in the text part", () => {
    const hostile: MailEvent = { ...event, name: HOSTILE, venueName: HOSTILE, city: HOSTILE };
    for (const mail of everyMessage("en", hostile)) {
      expect(mail.html, mail.kind).not.toContain("<script>");
      expect(mail.html, mail.kind).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
      expect(mail.text, mail.kind).toContain(HOSTILE);
    }
    const tricky = bookingConfirmedMail({
      ...base,
      language: "en",
      bookingId: "bk_1",
      tickets: [{ section: `"><img src=x onerror=alert(1)>`, row: null, seat: null, code: `a"b&c<d` }],
      totalCents: 100,
      currency: "usd",
    });
    expect(tricky.html).not.toContain("<img src=x");
    // A code is URL-encoded into the image's address, then escaped as an attribute.
    expect(tricky.html).toContain(`src="https://tickets.example/api/tickets/qr.png?token=a%22b%26c%3Cd"`);
  });

  it("a subject is one line, whatever the organizer typed", () => {
    const [mail] = everyMessage("en", { ...event, name: "Show\r\nBcc: everyone@example.test" });
    expect(mail?.subject).toBe("Your tickets for Show Bcc: everyone@example.test");
  });

  it("render each message in English and in Spanish, whole sentences per language", () => {
    const en = everyMessage("en");
    const es = everyMessage("es");
    expect(en.map((m) => m.subject)).toEqual([
      "Your tickets for Rock & Roll Night",
      "Your refund for Rock & Roll Night",
      "Cancelled: Rock & Roll Night",
      "You sent tickets for Rock & Roll Night",
      "Tickets for Rock & Roll Night are now yours",
      "Seats for Rock & Roll Night are waiting for you",
    ]);
    expect(es.map((m) => m.subject)).toEqual([
      "Tus entradas para Rock & Roll Night",
      "Tu reembolso de Rock & Roll Night",
      "Cancelado: Rock & Roll Night",
      "Has enviado entradas para Rock & Roll Night",
      "Ya tienes entradas para Rock & Roll Night",
      "Hay entradas esperándote para Rock & Roll Night",
    ]);
    for (const [i, m] of es.entries()) {
      expect(m.language).toBe("es");
      expect(m.html).toContain('<html lang="es">');
      // No English sentence leaks into a Spanish message: not its title, not its footer.
      expect(m.text).not.toContain(en[i]?.text.split("\n")[0]);
      expect(m.text).not.toContain("You receive this email");
    }
    expect(es[3]?.text).toContain("Has dado 2 entradas para Rock & Roll Night a friend@example.test.");
    expect(es[3]?.text).toContain("Stalls, fila A, asiento 3");
    expect(es[3]?.text).toContain("Floor (entrada general)");
    expect(en[1]?.text).toContain("We are refunding €50.00 for 1 ticket for Rock & Roll Night.");
    expect(es[1]?.text).toContain("Te reembolsamos 50,00\u00a0€ por 1 entrada para Rock & Roll Night.");
    expect(en[2]?.text).toContain("The organizer says: “illness”");
  });

  it("write dates in the venue's time zone and the fan's language, and money in the event's currency", () => {
    // 19:30 UTC is 21:30 in Madrid in June (CEST).
    expect(formatDateTime(event.startsAt, "en", "Europe/Madrid")).toBe("Tuesday, 1 June 2027 at 21:30 (CEST)");
    expect(formatDateTime(event.startsAt, "es", "Europe/Madrid")).toMatch(/^martes, 1 de junio de 2027, 21:30 \(CEST\)$/);
    expect(formatDateTime(event.startsAt, "en", "Not/AZone")).toContain("19:30 (UTC)");
    expect(formatMoney(1234, "usd", "en")).toBe("US$12.34");
    // Spanish puts a no-break space before the sign.
    expect(formatMoney(1234, "eur", "es")).toBe("12,34\u00a0€");
    // JPY has no minor unit: 1234 is ¥1,234.
    expect(formatMoney(1234, "jpy", "en")).toBe("JP¥1,234");
    const [, , , , , offer] = everyMessage("es");
    expect(offer?.text).toContain("Tienes hasta el sábado, 1 de mayo de 2027, 12:15 (CEST) para pagarlas.");
    expect(offer?.text).toContain("Comprar ahora: https://tickets.example/events/ev_abc");
  });

  it("link to the fan's tickets and the event page, never to anything but http(s)", () => {
    const [confirmed, , , , received, offer] = everyMessage("en");
    expect(confirmed?.html).toContain('href="https://tickets.example/me/tickets"');
    expect(confirmed?.text).toContain("See my tickets: https://tickets.example/me/tickets");
    expect(received?.html).toContain('href="https://tickets.example/me/tickets"');
    expect(offer?.html).toContain('href="https://tickets.example/events/ev_abc"');
    const unsafe = bookingConfirmedMail({ ...base, publicUrl: "javascript:alert(1)//", language: "en", bookingId: "b", tickets: [], totalCents: 0, currency: "usd" });
    expect(unsafe.html).not.toContain("javascript:");
  });
});

describe("the fan's language", () => {
  it("is normalized from what was stored, English by default", () => {
    expect(mailLanguage("es")).toBe("es");
    expect(mailLanguage("ES-mx")).toBe("es");
    expect(mailLanguage("fr")).toBe("en");
    expect(mailLanguage("")).toBe("en");
    expect(mailLanguage(null)).toBe("en");
  });

  it("comes from the lang cookie, else the best weighted Accept-Language we write", () => {
    expect(requestLanguage("es", "en")).toBe("es");
    expect(requestLanguage("de", "es-ES,es;q=0.9")).toBe("es");
    expect(requestLanguage(undefined, "fr-CH, fr;q=0.9, en;q=0.8, es;q=0.7")).toBe("en");
    expect(requestLanguage(undefined, "en;q=0.5, es;q=0.9")).toBe("es");
    expect(requestLanguage(undefined, "es;q=0, *")).toBe("en");
    expect(requestLanguage(undefined, undefined)).toBe("en");
  });
});

describe("logs and stored errors", () => {
  it("never keep an email address", () => {
    expect(redact("550 mailbox fan.one+x@example.test unavailable")).toBe("550 mailbox <address> unavailable");
    expect(redact("postgres://user:secret@db.example.com/app")).toBe("postgres://***:***@db.example.com/app");
    expect(escapeHtml(`<a href="x">`)).toBe("&lt;a href=&quot;x&quot;&gt;");
  });
});
