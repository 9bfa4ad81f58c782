/**
 * Every page a fan, an organizer or door staff uses, in each state that
 * changes what is on it, checked with axe-core (test/e2e/axe.ts): zero
 * serious or critical violations. Phone size for the fan's pages (where most
 * fans are), desktop for the organizer's.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, tokenFor } from "./api";
import { expectAccessible } from "./axe";
import { hasChromium, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const events = inject("events");
const marker = inject("marker");
const browser = sharedBrowser();

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  // axe is injected as an inline script, which the pages' Content-Security-Policy (rightly) refuses.
  const context = await browser().newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const live = (page: Page) => expect.poll(() => page.locator("#map-status").textContent(), { timeout: 15_000 }).toContain("Live seat map");

describe.skipIf(!hasChromium)("accessibility (axe-core: no serious or critical violations)", () => {
  it("a fan's journey: search, results, an event, picked and held seats, checkout, tickets", async () => {
    const { page, errors } = await open(PHONE);
    await page.goto(`${base}/`);
    await expectAccessible(page, "the search page, signed out");
    await signInAs(page, "fan", `axe-fan-${marker}`);
    await page.goto(`${base}/?term=${encodeURIComponent(marker)}`);
    await page.locator("ol.results li").first().waitFor();
    await expectAccessible(page, "search results");
    await page.goto(`${base}/events/${events.journey}`);
    await live(page);
    await expectAccessible(page, "an event's live seat map");
    await page.locator('#seatmap circle[data-i="30"]').click();
    expect(await page.locator('#seatmap circle[data-i="30"]').getAttribute("aria-checked")).toBe("true");
    await expectAccessible(page, "a picked seat");
    await page.locator("#hold").click();
    await expect.poll(async () => (await page.locator("#hold-panel").isVisible()) || (await page.locator("#message").textContent()), { timeout: 10_000 }).toBe(true);
    await expectAccessible(page, "a held seat with its countdown");
    await page.getByRole("link", { name: "Go to checkout" }).click();
    await page.getByRole("heading", { name: /Simulated card/ }).waitFor();
    await expectAccessible(page, "checkout");
    await page.getByRole("button", { name: "Pay (simulated)" }).click();
    await page.waitForURL(/\/me\/tickets/);
    await page.locator(".ticket img").first().waitFor();
    await expectAccessible(page, "the fan's tickets");
    expect(errors).toEqual([]);
  });

  it("the stadium's map: overview, a section's seats, the accessible-seats filter", async () => {
    const { page, errors } = await open(PHONE);
    await page.goto(`${base}/events/${events.stadium}`);
    await live(page);
    await expectAccessible(page, "the stadium overview");
    await page.locator('#seatmap polygon[data-section="Block 12"]').click();
    await expect.poll(() => page.locator('#seatmap g[data-section="Block 12"] circle').count()).toBe(1_500);
    await page.locator("#best-accessible").check();
    await expectAccessible(page, "a stadium section's seats, accessible filter on");
    // The check can fail: an image without a text alternative is a critical violation.
    await page.evaluate(`document.querySelector("main").append(Object.assign(document.createElement("img"), { src: "data:," }))`);
    await expect(expectAccessible(page, "a page with an image without alt")).rejects.toThrow(/image-alt \(critical\)/);
    expect(errors).toEqual([]);
  });

  it("the waiting room", async () => {
    // A waiting room whose admission is paused, so the fan stays in line while the page is checked.
    const organizer = await tokenFor(`axe-organizer-${marker}`, ["organizer"], "demo");
    const venue = await api<{ id: string }>("POST", "/api/venues", organizer, { name: `Axe Hall ${marker}`, city: "Leeds", country: "GB", lat: 53.8, lng: -1.55, template: "club" });
    const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `The Auditors ${marker}` });
    const event = await api<{ id: string }>("POST", "/api/events", organizer, {
      name: `Axe Night ${marker}`,
      type: "concert",
      startsAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      venueId: venue.body.id,
      performerId: performer.body.id,
      prices: [{ section: "Standing", priceCents: 2500 }, { section: "Balcony", priceCents: 3500 }],
    });
    expect(event.status, JSON.stringify(event.body)).toBe(201);
    expect((await api("PATCH", `/api/events/${event.body.id}`, organizer, { queue: { enabled: true, paused: true } })).status).toBe(200);
    const { page, errors } = await open(PHONE);
    await page.goto(`${base}/`);
    await signInAs(page, "fan", `axe-queue-${marker}`);
    await page.goto(`${base}/events/${event.body.id}/queue`);
    await expect.poll(async () => `${await page.locator("#q-state").textContent()} ${await page.locator("#message").textContent()}`, { timeout: 10_000 }).toMatch(/^(?!Joining…)\S/);
    await expectAccessible(page, "the waiting room");
    expect(errors).toEqual([]);
  });

  it("the organizer's pages: events, the dashboard, the live operations view, the door", async () => {
    const { page, errors } = await open(DESKTOP);
    await page.goto(`${base}/organizer`);
    await page.getByRole("button", { name: "Continue as demo organizer" }).click();
    await expect.poll(() => page.locator("#account").textContent()).toContain("Signed in as");
    await expectAccessible(page, "the organizer's events");
    await page.goto(`${base}/organizer/events/${events.dashboard}`);
    await page.locator("#report, main h1").first().waitFor();
    await expectAccessible(page, "the event dashboard");
    await page.goto(`${base}/organizer/events/${events.dashboard}/live`);
    await expect.poll(() => page.locator("#conn").getAttribute("class"), { timeout: 15_000 }).toContain("is-live");
    await expectAccessible(page, "the live operations view");
    await page.goto(`${base}/door/${events.dashboard}`);
    await page.locator("main h1").first().waitFor();
    await expectAccessible(page, "the door");
    expect(errors).toEqual([]);
  });
});
