/**
 * A Spanish-speaking fan's journey: a browser set to Spanish (es-ES, so it
 * sends Accept-Language: es-ES) searches, opens a show in Madrid priced in
 * euros with fees and tax, holds seats and pays, and reads every step in
 * Spanish, with amounts written the Spanish way ("50,22 €") and the show's
 * time in Madrid's time zone. Then the language switcher, without the page's
 * script's help: English is remembered over the browser's Spanish, and
 * Spanish again. Screenshots in test-results/es-*.png.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, tokenFor } from "./api";
import { expectAccessible } from "./axe";
import { hasChromium, screenshot, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const marker = inject("marker");
const browser = sharedBrowser();

/** An amount in euros as Spanish writes it: "1.234,56 €" (a no-break space before the sign). */
const EUROS = /\d{1,3}(\.\d{3})*,\d{2}\u00a0€/;

/** A show in Madrid, 20 days from now, in euros with a service fee and 21 % tax. */
async function madridShow(): Promise<{ id: string; name: string }> {
  const organizer = await tokenFor(`es-organizer-${marker}`, ["organizer"], `es-${marker}`);
  const venue = await api<{ id: string }>("POST", "/api/venues", organizer, {
    name: `Teatro de la Prueba ${marker}`,
    city: "Madrid",
    country: "ES",
    lat: 40.4168,
    lng: -3.7038,
    timezone: "Europe/Madrid",
    sections: [{ name: "Platea", rows: [{ name: "A", seats: 10 }, { name: "B", seats: 10 }] }, { name: "Pista", capacity: 40 }],
  });
  expect(venue.status, JSON.stringify(venue.body)).toBe(201);
  const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `Los Probadores ${marker}` });
  const name = `Noche de Zarzuela ${marker}`;
  const event = await api<{ id: string }>("POST", "/api/events", organizer, {
    name,
    type: "theater",
    startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
    venueId: venue.body.id,
    performerId: performer.body.id,
    currency: "eur",
    fees: { feeFixedCents: 150, feePercentBp: 0, taxRateBp: 2100 },
    prices: [{ section: "Platea", priceCents: 4000 }, { section: "Pista", priceCents: 2500 }],
  });
  expect(event.status, JSON.stringify(event.body)).toBe(201);
  return { id: event.body.id, name };
}

async function spanishPhone(): Promise<{ page: Page; errors: string[] }> {
  // axe is injected as an inline script, which the pages' Content-Security-Policy (rightly) refuses.
  const context = await browser().newContext({ viewport: { width: 390, height: 844 }, locale: "es-ES", bypassCSP: true });
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();
const htmlLang = (page: Page) => page.locator("html").getAttribute("lang");

describe.skipIf(!hasChromium)("a Spanish-speaking fan", () => {
  it("searches, opens a show, holds seats and pays, all in Spanish with euros written the Spanish way", async () => {
    const show = await madridShow();
    const { page, errors } = await spanishPhone();
    await page.goto(`${base}/`);
    expect(await htmlLang(page)).toBe("es");
    await page.getByRole("heading", { name: "Buscar eventos" }).waitFor();
    await signInAs(page, "fan", `es-fan-${marker}`);
    expect(await text(page, "#account")).toContain(`Sesión iniciada como es-fan-${marker}`);

    await page.getByRole("searchbox").fill(show.name);
    await page.getByRole("button", { name: "Buscar", exact: true }).click();
    await page.getByRole("heading", { name: `Resultados para «${show.name}»` }).waitFor();
    const result = page.locator("ol.results li").first();
    expect(await result.textContent()).toMatch(new RegExp(`Desde ${EUROS.source}`));
    // The time of the show in Madrid, with its zone (CET or CEST), and its type in Spanish.
    expect(await result.locator("time").textContent()).toMatch(/^[a-záéíóú]{3}, \d{1,2} [a-z]{3,4} \d{4}, \d{2}:\d{2} CES?T$/);
    expect(await result.textContent()).toContain("teatro");
    await screenshot(page, "es-1-search");

    await page.getByRole("link", { name: show.name }).click();
    await expect.poll(() => text(page, "#map-status"), { timeout: 15_000 }).toContain("Plano de asientos en directo");
    expect(await htmlLang(page)).toBe("es");
    await expectAccessible(page, "the event page in Spanish");
    await screenshot(page, "es-2-event");

    await page.locator('#seatmap circle[data-i="0"]').click();
    await page.locator('#seatmap circle[data-i="1"]').click();
    expect(await page.locator('#seatmap circle[data-i="1"]').getAttribute("aria-label")).toMatch(new RegExp(`^Platea, fila A, asiento 2, ${EUROS.source}, seleccionado$`));
    expect(await text(page, "#picked-total")).toMatch(new RegExp(`^2 seleccionados, ${EUROS.source}$`));
    await page.getByRole("button", { name: "Reservar estos asientos" }).click();
    await expect.poll(() => page.locator("#hold-panel").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await text(page, "#hold-seats")).toMatch(new RegExp(`^2 asientos reservados, ${EUROS.source}$`));
    expect(await page.locator("#hold-countdown").getAttribute("aria-label")).toMatch(/^Tiempo restante: \d+ minutos? y \d+ segundos?$/);
    await screenshot(page, "es-3-held");

    await page.getByRole("link", { name: "Ir al pago" }).click();
    await page.getByRole("heading", { name: /Tarjeta simulada/ }).waitFor();
    await expect.poll(() => text(page, "#summary")).toMatch(new RegExp(`^2 entradas, ${EUROS.source}$`));
    // The all-in price's split, one click away, in Spanish.
    const split = (await text(page, "#split")) ?? "";
    for (const part of ["Entradas (precio base)", "Gastos de gestión", "Impuestos", "Total"]) expect(split).toContain(part);
    expect(split).toMatch(EUROS);
    await screenshot(page, "es-4-checkout");

    await page.getByRole("button", { name: "Pagar (simulado)" }).click();
    await page.waitForURL(/\/me\/tickets/);
    await page.locator(".ticket img").first().waitFor();
    await page.getByRole("heading", { name: "Mis entradas" }).waitFor();
    expect(await page.locator(".ticket-seat").first().textContent()).toBe("Platea, fila A, asiento 1");
    expect(await page.locator(".ticket img").first().getAttribute("alt")).toContain("Código QR de tu entrada");
    // The ticket's date in Madrid's time zone; the order in Spanish, in euros.
    expect(await page.locator("#bookings .meta").first().textContent()).toMatch(/, \d{2}:\d{2} CES?T · Teatro de la Prueba .*, Madrid · 2 entradas$/);
    await expect.poll(() => text(page, "#orders li")).toMatch(new RegExp(`· 2 entradas · ${EUROS.source} · confirmado$`));
    await screenshot(page, "es-5-tickets");
    expect(errors).toEqual([]);
  });

  it("chooses English with the switcher, which is remembered over the browser's Spanish, and Spanish again", async () => {
    const { page, errors } = await spanishPhone();
    await page.goto(`${base}/me/tickets`);
    await page.getByRole("heading", { name: "Mis entradas" }).waitFor();
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForURL(`${base}/me/tickets`);
    await page.getByRole("heading", { name: "My tickets" }).waitFor();
    expect(await htmlLang(page)).toBe("en");
    const cookie = (await page.context().cookies()).find((c) => c.name === "lang");
    expect(cookie).toMatchObject({ value: "en", path: "/", secure: true, sameSite: "Lax", httpOnly: true });

    // Another page, still asking for Spanish: English, as chosen.
    await page.goto(`${base}/?term=${marker}`);
    await page.getByRole("heading", { name: "Find events" }).waitFor();
    await screenshot(page, "es-6-switched-to-english");
    await page.getByRole("button", { name: "Español" }).click();
    await page.waitForURL(`${base}/?term=${marker}`);
    await page.getByRole("heading", { name: "Buscar eventos" }).waitFor();
    expect(errors).toEqual([]);
  });
});
