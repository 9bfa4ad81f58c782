/**
 * The waitlist in a browser: a fan opens a sold-out event, joins its
 * waitlist from the page, sees their position; a refunded ticket comes back
 * and the page shows it offered to them with a countdown; they pay through
 * the ordinary checkout and get the ticket. And a fan waiting in a sold-out
 * waiting room is told so and joins the waitlist in one click.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, tokenFor } from "./api";
import { hasChromium, pageApi, screenshot, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const marker = inject("marker");
const browser = sharedBrowser();

/** A three-seat event of its own organization, and that organizer's token. */
async function tinyEvent(name: string): Promise<{ eventId: string; organizer: string }> {
  const organizer = await tokenFor(`wl-organizer-${name}`, ["organizer"], `wl-${marker}-${name}`);
  const venue = await api<{ id: string }>("POST", "/api/venues", organizer, {
    name: `Waitlist Hall ${name} ${marker}`,
    city: "Leeds",
    country: "GB",
    lat: 53.8,
    lng: -1.55,
    timezone: "Europe/London",
    sections: [{ name: "Stalls", rows: [{ name: "A", seats: 3 }] }],
  });
  const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `The Returns ${marker}` });
  const event = await api<{ id: string }>("POST", "/api/events", organizer, {
    name: `Waitlist Night ${name} ${marker}`,
    type: "concert",
    startsAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
    venueId: venue.body.id,
    performerId: performer.body.id,
    prices: [{ section: "Stalls", priceCents: 2500 }],
  });
  expect(event.status, JSON.stringify(event.body)).toBe(201);
  return { eventId: event.body.id, organizer };
}

/** Every seat booked by one fan (hold, checkout, the simulated card); returns the booking. */
async function sellOut(eventId: string, userId: string): Promise<string> {
  const fan = await tokenFor(userId, ["fan"]);
  const held = await api<{ holdId: string }>("POST", "/api/booking/reserve", fan, { ticketIds: [0, 1, 2].map((s) => `${eventId}.${s}`) });
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  const confirmed = await api<{ paymentIntentId: string }>("PUT", "/api/booking/confirm", fan, { holdId: held.body.holdId });
  expect((await api("POST", `/api/dev/payments/${confirmed.body.paymentIntentId}/authorize`)).status).toBe(200);
  await expect.poll(async () => (await api<{ state: string; bookingId?: string }>("GET", `/api/booking/holds/${held.body.holdId}`, fan)).body.state, { timeout: 15_000 }).toBe("booked");
  return (await api<{ bookingId: string }>("GET", `/api/booking/holds/${held.body.holdId}`, fan)).body.bookingId;
}

async function fanPage(name: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser().newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}/`);
  await signInAs(page, "fan", name);
  await expect.poll(() => page.locator("#account").textContent()).toContain(`Signed in as ${name}`);
  return { page, errors };
}

const panelText = (page: Page) => page.locator("#waitlist").textContent();

describe.skipIf(!hasChromium)("the waitlist in a browser", () => {
  it("a fan joins a sold-out event's waitlist, is offered a returned seat with a countdown, and pays for it", async () => {
    const { eventId, organizer } = await tinyEvent("offer");
    const bookingId = await sellOut(eventId, `wl-buyer-${marker}`);
    const { page, errors } = await fanPage(`wl-fan-${marker}`);
    await page.goto(`${base}/events/${eventId}`);
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    await page.getByRole("button", { name: "Join the waitlist" }).waitFor();
    expect(await panelText(page)).toContain("Sold out");
    await page.getByLabel("How many").last().selectOption("1");
    await page.getByRole("button", { name: "Join the waitlist" }).click();
    await expect.poll(() => page.locator("#waitlist-state").textContent()).toContain("Your position: 1");
    await screenshot(page, "waitlist-1-joined");

    // The organizer refunds one ticket: it goes to the waitlist, not back on sale.
    const refund = await api("POST", `/api/organizer/bookings/${bookingId}/refund`, organizer, { ticketIds: [`${eventId}.2`] });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    await expect.poll(() => page.locator("#waitlist-state").textContent(), { timeout: 10_000 }).toContain("held in your name");
    await expect.poll(() => page.locator("#waitlist-countdown").textContent()).toMatch(/^1[45]:\d\d$/);
    expect(await page.locator(`#seatmap circle[data-i="2"]`).getAttribute("class")).toContain("s1");
    await screenshot(page, "waitlist-2-offered");

    await page.getByRole("link", { name: "Pay for these seats" }).click();
    await page.getByRole("heading", { name: /Simulated card/ }).waitFor();
    // One ticket, in the singular (the summary had no plural forms before it went through the pages' copy).
    expect(await page.locator("#summary").textContent()).toMatch(/^1 ticket, /);
    await page.getByRole("button", { name: "Pay (simulated)" }).click();
    await page.waitForURL(/\/me\/tickets/);
    await page.locator(".ticket").first().waitFor();
    await screenshot(page, "waitlist-3-booked");
    const me = (await pageApi<{ state: string }>(page, `/api/events/${eventId}/waitlist/me`)).state;
    expect(me).toBe("booked");
    expect(errors).toEqual([]);
  });

  it("a fan in a sold-out waiting room is told so and joins the waitlist in one click", async () => {
    const { eventId, organizer } = await tinyEvent("queue");
    await sellOut(eventId, `wl-queue-buyer-${marker}`);
    expect((await api("PATCH", `/api/events/${eventId}`, organizer, { queue: { enabled: true, tickSeconds: 1 } })).status).toBe(200);
    const { page, errors } = await fanPage(`wl-queue-fan-${marker}`);
    await page.goto(`${base}/events/${eventId}/queue`);
    await expect.poll(() => page.locator("#q-state").textContent(), { timeout: 15_000 }).toContain("sold out");
    await page.getByRole("button", { name: "Join the waitlist" }).click();
    await expect.poll(() => page.locator("#waitlist-state").textContent()).toContain("Your position: 1");
    await screenshot(page, "waitlist-4-from-the-queue");
    expect(errors).toEqual([]);
  });
});

describe.skipIf(hasChromium)("waitlist journeys", () => {
  it("are skipped: no Chromium at /usr/bin/chromium", () => {
    expect(hasChromium).toBe(false);
  });
});
