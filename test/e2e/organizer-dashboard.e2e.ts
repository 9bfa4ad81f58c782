/**
 * The organizer's dashboard in a browser: the demo organizer finds an event
 * among the org's events, reads its report and server-drawn chart, refunds
 * part of a fan's booking, blocks two seats on the map (mouse and keyboard)
 * and releases them, downloads the orders CSV, and cancels another event
 * after typing its name. Fans' bookings are made through the API as the
 * checkout page makes them (hold, checkout, the simulated card).
 */
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api } from "./api";
import { hasChromium, screenshot, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const events = inject("events");
const marker = inject("marker");

const browser = sharedBrowser();

/** A fan books seats through the API as the checkout page does; returns the booking's id. */
async function book(eventId: string, userId: string, seats: number[]): Promise<string> {
  const { body: minted } = await api<{ token: string }>("POST", "/api/dev/token", undefined, { userId, roles: ["fan"] });
  const held = await api<{ holdId: string }>("POST", "/api/booking/reserve", minted.token, { ticketIds: seats.map((s) => `${eventId}.${s}`) });
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  const confirmed = await api<{ paymentIntentId: string }>("PUT", "/api/booking/confirm", minted.token, { holdId: held.body.holdId });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect((await api("POST", `/api/dev/payments/${confirmed.body.paymentIntentId}/authorize`)).status).toBe(200);
  const booked = async () => (await api<{ state: string; bookingId?: string }>("GET", `/api/booking/holds/${held.body.holdId}`, minted.token)).body;
  await expect.poll(async () => (await booked()).state, { timeout: 10_000 }).toBe("booked");
  return (await booked()).bookingId ?? "";
}

/** A desktop browser signed in as the demo organizer (org `demo`), through the sign-in hand-off. */
async function organizerPage(userId?: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser().newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}/organizer`);
  if (userId) await signInAs(page, "organizer", userId);
  else await page.getByRole("button", { name: "Continue as demo organizer" }).click();
  await expect.poll(() => page.locator("#account").textContent()).toContain(`Signed in as ${userId ?? "demo-organizer"}`);
  return { page, errors };
}

/** Opens an event's dashboard from the org's list of events, paging through it as an organizer would. */
async function openDashboard(page: Page, name: string): Promise<void> {
  const link = page.getByRole("link", { name });
  await page.locator("#org-events li").first().waitFor();
  for (let pages = 0; !(await link.isVisible()) && pages < 20; pages++) {
    const more = page.getByRole("button", { name: "Show more events" });
    const shown = await page.locator("#org-events li").count();
    await more.click();
    await expect.poll(() => page.locator("#org-events li").count()).toBeGreaterThan(shown);
  }
  await screenshot(page, "dash-0-your-events");
  await link.click();
  await page.waitForURL(/\/organizer\/events\/ev_/);
  await page.locator("#dashboard").waitFor();
}

const figure = (page: Page, term: string) => page.locator(`#figures dt:text-is("${term}") + dd`).textContent();
const seat = (page: Page, index: number) => page.locator(`#blockmap circle[data-i="${index}"]`);
/** The cancellation routes are being built alongside: the journey cancels only where they answer. */
const canCancel = hasChromium && (await fetch(`${base}/api/events/${events.cancelling}/cancel`, { method: "POST" })).status !== 404;

describe.skipIf(!hasChromium)("the organizer's dashboard", () => {
  it("reports, charts, refunds, blocks seats and downloads the orders of an event", async () => {
    const first = await book(events.dashboard, "dash-fan-a", [0, 1, 2]);
    await book(events.dashboard, "dash-fan-b", [3]);
    const { page, errors } = await organizerPage();
    await openDashboard(page, `Dashboard Night ${marker}`);
    expect(await page.locator("#event-name").textContent()).toBe(`Dashboard Night ${marker}`);

    // The report: two orders of four tickets at 42.00, and the server's chart with one bar for this hour.
    await expect.poll(() => figure(page, "Orders")).toBe("2");
    expect(await figure(page, "Tickets sold")).toBe("4");
    expect(await figure(page, "Gross")).toBe("$168.00");
    await page.locator("#sales-chart svg rect.bar").first().waitFor();
    expect(await page.locator("#sales-chart svg title").first().textContent()).toBe("Sales per hour");
    expect(await page.locator("#sales-chart svg desc").textContent()).toContain("2 orders, 4 tickets, $168.00 charged before refunds");
    await screenshot(page, "dash-1-report");

    // Refund two of fan A's three tickets, with the confirmation step.
    const booking = page.locator(`#booking-${first}`);
    await booking.getByRole("button", { name: "Refund booking of dash-fan-a" }).click();
    await booking.getByRole("checkbox", { name: /row A, seat 3/ }).uncheck();
    await booking.getByLabel("Reason (optional)").fill("moved to another date");
    await booking.getByRole("button", { name: "Review refund" }).click();
    expect(await booking.locator(".confirm").textContent()).toContain("Refund 2 tickets (about $84.00) to dash-fan-a?");
    await screenshot(page, "dash-2-refund-confirm");
    await booking.getByRole("button", { name: "Confirm refund" }).click();
    await expect.poll(() => page.locator("#bookings-message").textContent()).toContain("Refunded booking of dash-fan-a");
    await expect.poll(() => page.locator(`#booking-${first} .seats li:has-text("refunded")`).count()).toBe(2);
    expect(await page.locator(`#booking-${first} h3`).textContent()).toBe("dash-fan-a · confirmed");
    await expect.poll(() => page.locator('#by-section th:text-is("Orchestra") ~ td').nth(2).textContent()).toBe("2");

    // Block two available seats: one by mouse, one by keyboard.
    await seat(page, 10).click();
    await seat(page, 11).focus();
    await page.keyboard.press("Enter");
    expect(await seat(page, 11).getAttribute("aria-label")).toBe("Orchestra, row A, seat 12, chosen");
    await page.getByLabel("Reason", { exact: true }).fill("camera position");
    await page.getByRole("button", { name: "Block chosen seats" }).click();
    await expect.poll(() => page.locator("#blocks-message").textContent()).toContain("Blocked 2 places: camera position.");
    await expect.poll(() => seat(page, 10).getAttribute("class")).toBe("seat s3");
    expect(await seat(page, 11).getAttribute("aria-label")).toBe("Orchestra, row A, seat 12, blocked");
    expect(await page.locator("#blocks li").first().textContent()).toContain("camera position: 2 places");
    await expect.poll(() => figure(page, "Blocked")).toBe("2");
    await screenshot(page, "dash-3-blocked");

    // Download the orders: fetched with the token, saved from a Blob.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download orders (CSV)" }).click()]);
    expect(download.suggestedFilename()).toBe(`${events.dashboard}-orders.csv`);
    const csv = await readFile(await download.path(), "utf8");
    expect(csv.split("\r\n")[0]).toBe("booking_id,created_at,status,fan_user_id,ticket_count,amount_cents,refunded_cents,currency,ticket_ids,void_ticket_ids");
    expect(csv).toContain(first);

    // Release the block: the seats are on sale again.
    await page.getByRole("button", { name: "Release the block camera position (2 places)" }).click();
    await expect.poll(() => seat(page, 10).getAttribute("class")).toBe("seat s0");
    expect(await page.locator("#blocks li").first().textContent()).toBe("No seats are blocked.");
    expect(errors).toEqual([]);
  });

  it("a venue of thousands starts as one box per section; seats of a section and places of general admission are blocked together", async () => {
    const { page, errors } = await organizerPage();
    await page.goto(`${base}/organizer/events/${events.big}`);
    const field = page.getByRole("button", { name: "Field: 3000 available, 0 blocked, general admission: block places by count" });
    await field.waitFor();
    expect(await page.locator("#blockmap circle").count()).toBe(0);
    await field.click();
    expect(await page.getByLabel("General admission section").inputValue()).toBe("Field");
    await page.getByLabel("Places to block there").fill("5");
    await page.getByRole("button", { name: "Stand: 20 available, 0 blocked, show its seats" }).press("Enter");
    expect(await page.locator("#blockmap circle").count()).toBe(20);
    await page.locator('#blockmap circle[data-i="3000"]').click();
    await page.getByLabel("Reason", { exact: true }).fill("press");
    await page.getByRole("button", { name: "Block chosen seats" }).click();
    await expect.poll(() => page.locator("#blocks-message").textContent()).toContain("Blocked 6 places: press.");
    await expect.poll(() => page.locator('#blockmap circle[data-i="3000"]').getAttribute("class")).toBe("seat s3");
    expect(await page.locator("#blocks li p").first().textContent()).toBe("press: 6 places (Field, 5 general admission places; Stand, row A, seat 1)");
    await page.getByRole("button", { name: "Back to all sections" }).click();
    await page.getByRole("button", { name: /^Field: 2995 available, 5 blocked/ }).waitFor();
    await screenshot(page, "dash-6-big-venue");
    expect(errors).toEqual([]);
  });

  it("another organization's organizer sees no dashboard for the event", async () => {
    const { page, errors } = await organizerPage("rival-organizer");
    await page.goto(`${base}/organizer/events/${events.dashboard}`);
    await expect.poll(() => page.locator("#message").textContent()).toBe("No event of your organization has this address.");
    expect(await page.locator("#dashboard").isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it.skipIf(!canCancel)("cancels an event once its name is typed, then shows the refunds through to done", async () => {
    await book(events.cancelling, "cancel-fan", [4]);
    const name = `Cancel Night ${marker}`;
    const { page, errors } = await organizerPage();
    await openDashboard(page, name);
    await page.getByRole("button", { name: "Cancel this event…" }).click();
    await page.getByLabel("Reason (fans are told)").fill("the hall is flooded");
    const confirm = page.getByRole("button", { name: "Cancel the event and refund everyone" });
    await page.getByLabel(/To confirm, type the event's name/).fill("Cancel Night");
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(/To confirm, type the event's name/).fill(name);
    await screenshot(page, "dash-4-cancel-confirm");
    await confirm.click();
    await expect.poll(() => page.locator("#cancel-state").textContent(), { timeout: 30_000 }).toBe("The event is cancelled: 1 of 1 bookings refunded.");
    expect(await page.locator("#event-name").textContent()).toBe(`${name} (cancelled)`);
    await expect.poll(() => page.locator("#bookings h3").first().textContent()).toBe("cancel-fan · refunded");
    expect(await page.locator("#block-form").isHidden()).toBe(true);
    await screenshot(page, "dash-5-cancelled");
    expect(errors).toEqual([]);
  });
});
