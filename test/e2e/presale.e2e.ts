/**
 * A fan with a presale code, on a phone: before the on-sale time the event
 * page says a code opens the sale; without it the hold is refused, with it
 * the seats are held, the hold shows the code and the all-in price's split,
 * and checkout charges that total.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, tokenFor } from "./api";
import { expectAccessible } from "./axe";
import { hasChromium, launch, screenshot, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const marker = inject("marker");

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** An event on sale next year with a fee of 1.50 + 10 % and 21 % tax, its 20.00 seats costing 28.44 all in, and a presale code. */
async function presaleEvent(): Promise<string> {
  const organizer = await tokenFor("presale-organizer", ["organizer"], "demo");
  const venue = await api<{ id: string }>("POST", "/api/venues", organizer, {
    name: `Presale Hall ${marker}`,
    city: "Madrid",
    country: "ES",
    lat: 40.4168,
    lng: -3.7038,
    timezone: "Europe/Madrid",
    sections: [{ name: "Pista", rows: [{ name: "A", seats: 6 }] }],
  });
  const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `Presale Band ${marker}` });
  const event = await api<{ id: string }>("POST", "/api/events", organizer, {
    name: `Presale Night ${marker}`,
    type: "concert",
    startsAt: new Date(Date.now() + 400 * 86_400_000).toISOString(),
    onSaleAt: new Date(Date.now() + 300 * 86_400_000).toISOString(),
    venueId: venue.body.id,
    performerId: performer.body.id,
    currency: "eur",
    prices: [{ section: "Pista", priceCents: 2000 }],
    fees: { feeFixedCents: 150, feePercentBp: 1000, taxRateBp: 2100 },
  });
  expect(event.status, JSON.stringify(event.body)).toBe(201);
  const code = await api("POST", `/api/events/${event.body.id}/codes`, organizer, { code: "FANCLUB", kind: "presale", maxUses: 5 });
  expect(code.status, JSON.stringify(code.body)).toBe(201);
  return event.body.id;
}

describe.skipIf(!hasChromium)("a fan with a presale code", () => {
  it("holds before the sale opens with the code, sees the all-in price's split, and pays that total", async () => {
    const eventId = await presaleEvent();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true, locale: "en-GB" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/events/${eventId}`);
    await signInAs(page, "fan", "presale-fan");
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    expect(await page.locator("#presale-note").textContent()).toContain("With a presale code you can buy now");
    await page.locator("details.prices summary").click();
    expect(await page.locator("details.prices").textContent()).toContain("Pista: from €28.44 (ticket €20.00, service fee €3.50, tax €4.94)");
    await expectAccessible(page, "event page before its on-sale, with the code field");

    // Without the code, the sale is closed.
    await page.locator('#seatmap circle[data-i="0"]').click();
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#message").textContent()).toMatch(/go on sale/);

    // A mistyped code is named as such; with the right one, the seat is held at its all-in price.
    await page.getByLabel("Presale or promo code").fill("fanclob");
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("The code FANCLOB is not valid for this event. Check it, or hold your seats without it.");
    await page.getByLabel("Presale or promo code").fill("fanclub");
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#hold-panel").isVisible()).toBe(true);
    expect(await page.locator("#hold-seats").textContent()).toContain("€28.44");
    expect(await page.locator("#hold-code").textContent()).toBe("Code FANCLUB applied.");
    await page.locator("#hold-panel details summary").click();
    const split = await page.locator("#hold-split").textContent();
    for (const part of ["Tickets (face value)€20.00", "Service fees€3.50", "Tax€4.94", "Total€28.44"]) expect(split).toContain(part);
    await screenshot(page, "presale-1-held");

    await page.getByRole("link", { name: "Go to checkout" }).click();
    await page.getByRole("heading", { name: /Simulated card/ }).waitFor();
    expect(await page.locator("#summary").textContent()).toContain("€28.44");
    expect(await page.locator("#split").textContent()).toContain("Total€28.44");
    await expectAccessible(page, "checkout with the price's split");
    await screenshot(page, "presale-2-checkout");
    await page.getByRole("button", { name: "Pay (simulated)" }).click();
    await page.waitForURL(/\/me\/tickets/);
    await page.locator(".ticket").first().waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
