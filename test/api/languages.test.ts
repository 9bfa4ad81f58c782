/**
 * The fan's pages in the fan's language: Accept-Language, the `lang` cookie
 * that the switcher sets (and which wins), English otherwise; money in the
 * event's currency and dates in the venue's time zone, the language's way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { checkout, fan, hold, pay, smallEvent } from "../booking-helpers";
import { call, json, makeEvent, organizerToken, problem, word } from "../helpers";

const NBSP = "\u00a0";
let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

const page = (path: string, headers: Record<string, string>) => call("GET", path, { headers });
const htmlLang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

/** A show in Madrid, priced in euros. */
const madridShow = (name: string) =>
  makeEvent(token, { name, currency: "eur", startsAt: "2027-06-01T19:30:00Z", venue: { city: "Madrid", lat: 40.42, lng: -3.7, timezone: "Europe/Madrid" } });

describe("a fan page's language", () => {
  it("is Spanish for a browser that asks for Spanish: the search page", async () => {
    const term = word();
    await madridShow(`${term} zarzuela`);
    const res = await page(`/?term=${term}`, { "accept-language": "es-ES,es;q=0.9,en;q=0.5" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-language")).toBe("es");
    const html = await res.text();
    expect(htmlLang(html)).toBe("es");
    expect(html).toContain("<title>Buscar eventos · Edge Tickets</title>");
    expect(html).toContain(`Resultados para «${term}»`);
    expect(html).toContain(`Desde 30,00${NBSP}€`);
    // The show's time in Madrid (21:30 CEST), written the Spanish way; the type in Spanish.
    expect(html).toContain("mar, 1 jun 2027, 21:30 CEST");
    expect(html).toContain("concierto");
    expect(html).not.toContain("Find events");
  });

  it("is Spanish on the event page: headings, legends, prices and the panel", async () => {
    const event = await madridShow(`Noche ${word()}`);
    const html = await (await page(`/events/${event.id}`, { "accept-language": "es" })).text();
    expect(htmlLang(html)).toBe("es");
    for (const words of ["Plano de asientos", "Cargando el plano de asientos en directo…", "Leyenda", "Precios por sección", "Tus asientos", "Reservar estos asientos", "Lista de espera"]) {
      expect(html).toContain(words);
    }
    expect(html).toContain(`Stalls: 50,00${NBSP}€`);
    expect(html).not.toContain("Seat map");
  });

  it("is English by default and for languages the site is not written in", async () => {
    for (const headers of [{}, { "accept-language": "fr-FR, de;q=0.8" }] as Record<string, string>[]) {
      const res = await page("/", headers);
      expect(res.headers.get("content-language")).toBe("en");
      const html = await res.text();
      expect(htmlLang(html)).toBe("en");
      expect(html).toContain("Find events");
    }
  });

  it("follows the lang cookie over Accept-Language, both ways", async () => {
    const spanish = await (await page("/me/tickets", { "accept-language": "en-GB", cookie: "lang=es" })).text();
    expect(htmlLang(spanish)).toBe("es");
    expect(spanish).toContain("<h1>Mis entradas</h1>");
    const english = await (await page("/me/tickets", { "accept-language": "es", cookie: "lang=en" })).text();
    expect(htmlLang(english)).toBe("en");
    expect(english).toContain("<h1>My tickets</h1>");
  });

  it("says the answer depends on the language, so no shared cache mixes languages", async () => {
    const res = await page("/", { "accept-language": "es" });
    expect(res.headers.get("vary")).toMatch(/Accept-Language/i);
    expect(res.headers.get("vary")).toMatch(/Cookie/i);
    expect(res.headers.get("cache-control")).toContain("private");
  });

  it("offers the other language in the header, a form that works without the page's script", async () => {
    const html = await (await page("/?term=jazz", { "accept-language": "es" })).text();
    expect(html).toContain('<form class="languages" method="post" action="/language">');
    expect(html).toContain('<input type="hidden" name="next" value="/?term=jazz"/>');
    expect(html).toMatch(/<button type="submit" name="lang" value="en" lang="en" class="link">English<\/button>/);
    expect(html).toMatch(/<span lang="es" aria-current="true">Español<\/span>/);
  });

  it("leaves organizer pages in English, without a switcher", async () => {
    const html = await (await page("/organizer", { "accept-language": "es" })).text();
    expect(htmlLang(html)).toBe("en");
    expect(html).not.toContain('action="/language"');
  });
});

describe("what the fan's pages need to write dates in the venue's time zone", () => {
  it("the fan's tickets and orders carry their venue's time zone", async () => {
    const event = await smallEvent({ venue: { timezone: "America/Mexico_City" } });
    const token = await fan();
    const { paymentIntentId } = await checkout(token, (await hold(token, [event.tickets(0)])).holdId);
    await pay(paymentIntentId);
    const { bookings } = await json<{ bookings: { eventId: string; event: { timeZone: string } }[] }>(await call("GET", "/api/me/bookings", { token }), 200);
    expect(bookings.find((b) => b.eventId === event.id)?.event.timeZone).toBe("America/Mexico_City");
    const { tickets } = await json<{ tickets: { eventId: string; event: { timeZone: string } }[] }>(await call("GET", "/api/me/tickets", { token }), 200);
    expect(tickets.find((t) => t.eventId === event.id)?.event.timeZone).toBe("America/Mexico_City");
  });
});

describe("the language switcher (POST /language)", () => {
  const choose = (form: Record<string, string>, headers: Record<string, string> = { origin: "http://tickets.test" }) =>
    call("POST", "/language", { body: new URLSearchParams(form).toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

  it("remembers the choice for a year in a cookie and sends the fan back to the page they were on", async () => {
    const res = await choose({ lang: "es", next: "/events/ev_abc?from=search" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/events/ev_abc?from=search");
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^lang=es;/);
    for (const part of ["Max-Age=31536000", "Path=/", "Secure", "SameSite=Lax", "HttpOnly"]) expect(cookie).toContain(part);
  });

  it("sends the fan to the search page when no page is named", async () => {
    const res = await choose({ lang: "en" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
  });

  it("refuses to send anyone to another site, and sets no cookie then", async () => {
    for (const next of ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example"]) {
      const res = await choose({ lang: "es", next });
      await problem(res, 400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("refuses a language the site is not written in", async () => {
    await problem(await choose({ lang: "fr", next: "/" }), 400);
  });

  it("refuses a form sent from another site", async () => {
    const res = await choose({ lang: "es", next: "/" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
