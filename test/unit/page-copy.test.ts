/**
 * The fan pages' words (src/shared/page-copy/) and how numbers, money and
 * dates read in each language (src/shared/language.ts). That every language
 * has every sentence is the type's job (`npm run typecheck`); this checks the
 * same at run time, and that the sentences with values read right.
 */
import { describe, expect, it } from "vitest";
import { formatEventTime, formatMoney, formatNumber, LANGUAGES, languageOf, plural } from "../../src/shared/language";
import { pageCopy } from "../../src/shared/page-copy";
import { sameSitePath } from "../../workers/api/pages/language";

/** Every key path of a copy object, with what it is (a sentence or a function of values). */
function shape(value: unknown, path = ""): string[] {
  if (typeof value === "function") return [`${path}()`];
  if (typeof value === "string") return [path];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => shape(inner, path ? `${path}.${key}` : key));
}

const NBSP = "\u00a0";

describe("the pages' words", () => {
  it("every language has every sentence of English, and no other", () => {
    const english = shape(pageCopy("en")).sort();
    expect(english.length).toBeGreaterThan(150);
    for (const language of LANGUAGES) expect(shape(pageCopy(language)).sort(), language).toEqual(english);
  });

  it("Spanish is written in Spanish, not left in English", () => {
    const at = (copy: unknown, path: string) => path.split(".").reduce<unknown>((inner, key) => (inner as Record<string, unknown>)[key], copy);
    const sentences = shape(pageCopy("en")).filter((path) => !path.endsWith("()"));
    const same = sentences.filter((path) => at(pageCopy("es"), path) === at(pageCopy("en"), path));
    // Only words that are the same in both may stay.
    expect(same.sort()).toEqual(["prices.total", "search.eventTypes.festival"]);
  });

  it("chooses the plural form by the language's rules", () => {
    expect(pageCopy("en").event.seatsHeld({ count: 1, total: "$50.00" })).toBe("1 seat held, $50.00");
    expect(pageCopy("en").event.seatsHeld({ count: 2, total: "$100.00" })).toBe("2 seats held, $100.00");
    expect(pageCopy("es").event.seatsHeld({ count: 1, total: "50,00 €" })).toBe("1 asiento reservado, 50,00 €");
    expect(pageCopy("es").event.seatsHeld({ count: 3, total: "150,00 €" })).toBe("3 asientos reservados, 150,00 €");
    expect(pageCopy("es").search.onlyLeft({ count: 1 })).toBe("Solo queda 1");
    expect(pageCopy("es").search.onlyLeft({ count: 12 })).toBe("Solo quedan 12");
    expect(pageCopy("es").checkout.summary({ count: 1, total: "50,00 €" })).toBe("1 entrada, 50,00 €");
    expect(pageCopy("es").tickets.eventMeta({ date: "d", venue: "Teatro", city: "Madrid", count: 2 })).toBe("d · Teatro, Madrid · 2 entradas");
    // Zero is "other" in both.
    expect(plural("en", 0, { one: "one", other: "other" })).toBe("other");
    expect(plural("es", 0, { one: "one", other: "other" })).toBe("other");
  });

  it("puts values where each language wants them, in whole sentences", () => {
    expect(pageCopy("en").waitlist.waiting({ quantity: 2, section: "Stalls", position: 3 })).toBe("You are on the waitlist for 2 tickets in Stalls. Your position: 3.");
    expect(pageCopy("es").waitlist.waiting({ quantity: 1, section: null, position: 1 })).toBe("Estás en la lista de espera para 1 entrada. Tu posición: 1.");
    expect(pageCopy("es").event.taken({ seat: "Platea, fila A, asiento 2, 50,00 €" })).toBe("Alguien acaba de quedarse con Platea, fila A, asiento 2, 50,00 €.");
    expect(pageCopy("es").search.resultsFor({ term: "jazz" })).toBe("Resultados para «jazz»");
    expect(pageCopy("es").queue.ended({ reason: "lapsed" })).toBe("Se ha acabado tu tiempo de compra. Vuelve a entrar para hacer cola al final.");
  });

  it("names seats and sections for screen readers in the page's language", () => {
    const seat = { section: "Platea", row: "A", seat: "2", type: "wheelchair" as const, price: `50,00${NBSP}€` };
    expect(pageCopy("en").event.seatName({ ...seat, type: "standard", price: "$50.00" })).toBe("Platea, row A, seat 2, $50.00");
    expect(pageCopy("es").event.seatName(seat)).toBe(`Platea, fila A, asiento 2, espacio para silla de ruedas, 50,00${NBSP}€`);
    expect(pageCopy("es").event.seatName({ ...seat, row: null, seat: null })).toBe(`Platea, entrada general, 50,00${NBSP}€`);
    expect(pageCopy("es").event.seatLabel({ name: "Platea, fila A, asiento 2", state: "held" })).toBe("Platea, fila A, asiento 2, reservado");
    const section = { section: "Bloque 5", price: "50,00 €", live: true, free: 1_200, total: 90_000, heat: "last" as const, kind: "seated" as const };
    expect(pageCopy("es").event.sectionLabel(section)).toBe("Bloque 5, 50,00 €, 1200 disponibles de 90.000 (últimas plazas), ver asientos");
    expect(pageCopy("en").event.sectionLabel(section)).toBe("Bloque 5, 50,00 €, 1,200 of 90,000 available (last seats), show seats");
  });

  it("says the time left on a hold in words", () => {
    expect(pageCopy("en").shell.timeLeft({ minutes: 1, seconds: 5 })).toBe("1 minute 5 seconds left");
    expect(pageCopy("es").shell.timeLeft({ minutes: 9, seconds: 1 })).toBe("Tiempo restante: 9 minutos y 1 segundo");
  });
});

describe("numbers, money and dates", () => {
  it("writes money in the event's currency, the language's way, from its minor unit", () => {
    expect(formatMoney(4200, "usd", "en")).toBe("$42.00");
    expect(formatMoney(4200, "eur", "es")).toBe(`42,00${NBSP}€`);
    expect(formatMoney(4200, "usd", "es")).toBe(`42,00${NBSP}US$`);
    expect(formatMoney(4200, "eur", "en")).toBe("€42.00");
    // The yen has no minor unit: 1234 is 1,234 yen, not 12.34.
    expect(formatMoney(1234, "jpy", "en")).toBe("¥1,234");
  });

  it("writes a show's time in its venue's time zone, named, in the page's language", () => {
    // 19:30 UTC is 21:30 in Madrid in June.
    expect(formatEventTime("2027-06-01T19:30:00Z", "Europe/Madrid", "es")).toBe("mar, 1 jun 2027, 21:30 CEST");
    expect(formatEventTime("2027-06-01T19:30:00Z", "Europe/London", "en")).toBe("Tue, 1 Jun 2027, 20:30 BST");
    // An unknown zone reads as UTC rather than failing the page.
    expect(formatEventTime("2027-06-01T19:30:00Z", "Not/AZone", "en")).toBe("Tue, 1 Jun 2027, 19:30 UTC");
  });

  it("groups digits the language's way", () => {
    expect(formatNumber(90_000, "en")).toBe("90,000");
    expect(formatNumber(90_000, "es")).toBe("90.000");
  });

  it("reads a page's language from its tag, English for anything else", () => {
    expect(languageOf("es")).toBe("es");
    expect(languageOf("es-MX")).toBe("es");
    expect(languageOf("fr")).toBe("en");
    expect(languageOf("")).toBe("en");
  });
});

describe("where the language switcher may send a fan back to", () => {
  const here = "https://tickets.example/language";

  it("a path of this site, with its query and without its fragment", () => {
    expect(sameSitePath("/events/ev_abc?x=1#seats", here)).toBe("/events/ev_abc?x=1");
    expect(sameSitePath("/?term=caf%C3%A9", here)).toBe("/?term=caf%C3%A9");
    expect(sameSitePath(undefined, here)).toBe("/");
  });

  it("nowhere else", () => {
    for (const next of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "javascript:alert(1)", "evil.example", "http:evil.example", "/" + "a".repeat(3000)]) {
      expect(sameSitePath(next, here), next).toBeNull();
    }
  });
});
