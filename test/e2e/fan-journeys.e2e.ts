import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hasChromium, launch, screenshot, signInAs, watchErrors } from "./browser";

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

const account = (page: Page) => page.locator("#account").textContent();
const storedToken = (page: Page) => page.evaluate(`localStorage.getItem("edge-tickets-token")`);

/** A phone's browser, signed out. */
async function phone(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

/**
 * A fan signed in as the demo accounts are, under their own name: the page
 * makes a state and goes to the demo identity provider, which hands the
 * token back with that state.
 */
async function fanPage(name: string): Promise<{ page: Page; errors: string[] }> {
  const fan = await phone();
  await fan.page.goto(`${base}/`);
  await signInAs(fan.page, "fan", name);
  await expect.poll(() => account(fan.page)).toContain(`Signed in as ${name}`);
  return fan;
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

describe.skipIf(!hasChromium)("signing in", () => {
  it("the demo sign-in goes through the hand-off and brings the fan back to the page they were on", async () => {
    const { page, errors } = await phone();
    await page.goto(`${base}/me/tickets`);
    await page.getByRole("button", { name: "Continue as demo fan" }).click();
    await expect.poll(() => account(page)).toContain("Signed in as demo-fan");
    expect(new URL(page.url()).pathname).toBe("/me/tickets");
    expect(new URL(page.url()).hash).toBe("");
    expect(errors).toEqual([]);
  });

  it("a link with a token but not the page's own state does not sign the fan in, and says so", async () => {
    const res = await fetch(`${base}/api/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "mallory" }) });
    const { token } = (await res.json()) as { token: string };
    const { page } = await phone();
    await page.goto(`${base}/#token=${token}&state=${"ab".repeat(24)}`);
    await expect.poll(() => account(page)).toContain("sign-in link was ignored");
    expect(await account(page)).not.toContain("Signed in");
    expect(await storedToken(page)).toBeNull();
    expect(new URL(page.url()).hash).toBe("");
    await screenshot(page, "0-sign-in-link-ignored");
  });

  it("a hand-off works once: the same link opened again after signing out is ignored", async () => {
    const { page } = await phone();
    await page.goto(`${base}/`);
    const handOff = page.waitForResponse((r) => r.url().includes("/api/dev/sign-in"));
    await page.getByRole("button", { name: "Continue as demo fan" }).click();
    const link = (await handOff).headers().location ?? "";
    expect(link).toContain("#token=");
    await expect.poll(() => account(page)).toContain("Signed in as demo-fan");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.goto(`${base}/me/tickets`); // elsewhere first: a link to the same page would only change its fragment
    await page.goto(new URL(link, base).toString());
    await expect.poll(() => account(page)).toContain("sign-in link was ignored");
    expect(await storedToken(page)).toBeNull();
  });
});

describe.skipIf(hasChromium)("browser journeys", () => {
  it("are skipped: no Chromium at /usr/bin/chromium (bash .ci/run installs it)", () => {
    expect(hasChromium).toBe(false);
  });
});
