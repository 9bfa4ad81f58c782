import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launch, screenshot, watchErrors } from "./browser";

const base = inject("baseUrl");
const events = inject("events");
const marker = inject("marker");

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function fanPage(name: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } }); // a phone
  // Signed in as the demo accounts do: a dev token in the page's storage.
  const res = await fetch(`${base}/api/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: name }) });
  const { token } = (await res.json()) as { token: string };
  await context.addInitScript(`localStorage.setItem("edge-tickets-token", ${JSON.stringify(token)});`);
  const page = await context.newPage();
  const errors = watchErrors(page);
  return { page, errors };
}

/** The seat circle of a ticket index, once the live map has drawn it. */
const seat = (page: Page, index: number) => page.locator(`#seatmap circle[data-i="${index}"]`);

describe.skipIf(!hasChromium)("a fan in a browser", () => {
  it("searches, opens an event, picks seats on the map, holds, pays (simulated) and sees the ticket", async () => {
    const { page, errors } = await fanPage("journey-fan");
    await page.goto(`${base}/`);
    await page.getByRole("searchbox").fill(`Journey Night ${marker}`);
    await page.getByRole("button", { name: "Search" }).click();
    await screenshot(page, "1-search");
    await page.getByRole("link", { name: `Journey Night ${marker}` }).click();
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    await screenshot(page, "2-event");

    // Keyboard and mouse both pick seats; each seat says what it is.
    await seat(page, 0).focus();
    await page.keyboard.press("Enter");
    await seat(page, 1).click();
    expect(await seat(page, 1).getAttribute("aria-label")).toMatch(/Orchestra, row A, seat 2, .*selected/);
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#hold-panel").isVisible()).toBe(true);
    expect(await page.locator("#hold-seats").textContent()).toContain("2 seats held");
    await screenshot(page, "3-held");

    await page.getByRole("link", { name: "Go to checkout" }).click();
    await page.getByRole("heading", { name: /Simulated card/ }).waitFor();
    await screenshot(page, "4-checkout");
    await page.getByRole("button", { name: "Pay (simulated)" }).click();
    await page.waitForURL(/\/me\/tickets/);
    await page.locator(".ticket img").first().waitFor();
    expect(await page.locator(".ticket").count()).toBe(2);
    expect(await page.locator(".ticket img").first().getAttribute("alt")).toContain("QR code");
    await screenshot(page, "5-tickets");
    expect(errors).toEqual([]);
  });

  it("two fans on one event see each other's holds appear within a second", async () => {
    const a = await fanPage("together-a");
    const b = await fanPage("together-b");
    for (const { page } of [a, b]) {
      await page.goto(`${base}/events/${events.together}`);
      await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    }
    await seat(a.page, 5).click();
    await a.page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => a.page.locator("#hold-panel").isVisible()).toBe(true);
    const held = Date.now();
    await expect.poll(() => seat(b.page, 5).getAttribute("class"), { timeout: 1_000, interval: 50 }).toContain("s1");
    expect(Date.now() - held).toBeLessThan(1_000);
    expect(await seat(b.page, 5).getAttribute("aria-label")).toContain("held");
    await screenshot(b.page, "6-other-fan-sees-hold");
  });

  it("an expired hold is shown clearly and the seats come back", async () => {
    const { page } = await fanPage("expiry-fan");
    await page.goto(`${base}/events/${events.expiry}`);
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    await seat(page, 3).click();
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#hold-panel").isVisible()).toBe(true);
    // Holds last 8 s in this stack.
    await expect.poll(() => page.locator("#message").textContent(), { timeout: 15_000 }).toContain("expired");
    await expect.poll(() => seat(page, 3).getAttribute("class"), { timeout: 5_000 }).toContain("s0");
    await screenshot(page, "7-expired");
  });

  it("the waiting room admits a fan and takes them to the seats", async () => {
    const { page, errors } = await fanPage("queue-fan");
    await page.goto(`${base}/events/${events.queued}`);
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    await seat(page, 7).click();
    await page.getByRole("button", { name: "Hold these seats" }).click();
    // Without an admission the hold is refused and the fan is sent to the queue.
    await page.waitForURL(/\/queue$/);
    await screenshot(page, "8-waiting-room");
    await page.waitForURL(new RegExp(`/events/${events.queued}$`), { timeout: 15_000 });
    await expect.poll(() => page.locator("#map-status").textContent()).toContain("Live seat map");
    await seat(page, 7).click();
    await page.getByRole("button", { name: "Hold these seats" }).click();
    await expect.poll(() => page.locator("#hold-panel").isVisible()).toBe(true);
    await screenshot(page, "9-admitted-and-held");
    expect(errors).toEqual([]);
  });
});

describe.skipIf(hasChromium)("browser journeys", () => {
  it("are skipped: no Chromium at /usr/bin/chromium (bash .ci/run installs it)", () => {
    expect(hasChromium).toBe(false);
  });
});
