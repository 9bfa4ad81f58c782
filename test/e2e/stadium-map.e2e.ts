/**
 * The stadium's seat map in a browser, at phone and desktop size: the
 * overview of sections coloured by what is left, with the pitch; zooming to a
 * section by choosing it; picking a seat, holding it, and seeing it stay
 * marked when zoomed out again; the keyboard's zoom. Screenshots go to
 * test-results/ (the README's picture of the stadium map is the desktop one).
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { hasChromium, screenshot, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const events = inject("events");
const browser = sharedBrowser();

const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 900 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

async function stadiumPage(viewport: { width: number; height: number }, fan: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser().newContext({ viewport });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}/events/${events.stadium}`);
  await signInAs(page, "fan", fan);
  await expect.poll(() => page.locator("#map-status").textContent(), { timeout: 15_000 }).toContain("Live seat map");
  return { page, errors };
}

describe.skipIf(!hasChromium)("the stadium's seat map", () => {
  for (const size of SIZES) {
    it(`${size.name}: the overview shows the pitch and every section by what is left; choosing a section zooms to its seats, and a held seat stays marked when zoomed out`, async () => {
      const { page, errors } = await stadiumPage(size.viewport, `stadium-fan-${size.name}`);
      const sections = page.locator("#seatmap polygon.area");
      expect(await sections.count()).toBe(60);
      expect(await page.locator("#seatmap .stage text").textContent()).toBe("Pitch");
      // A section says what it is, costs and has left, and is a button until its seats show.
      const block = page.locator('#seatmap polygon[data-section="Block 5"]');
      expect(await block.getAttribute("aria-label")).toMatch(/^Block 5, .+, 1,500 of 1,500 available \(plenty left\), has wheelchair spaces, show seats$/);
      expect(await block.getAttribute("role")).toBe("button");
      // No seat is drawn at the overview: 90,000 elements would not be interactive.
      expect(await page.locator("#seatmap circle.seat").count()).toBe(0);
      if (size.name === "desktop") await page.locator(".venue-map").screenshot({ path: "test-results/stadium-map-overview.png" });
      await screenshot(page, `stadium-${size.name}-1-overview`);

      await block.click();
      await expect.poll(() => page.locator('#seatmap g[data-section="Block 5"] circle.seat').count()).toBe(1_500);
      expect(await page.locator("#overview").isHidden()).toBe(false);
      // Within the budget of drawn seats, whatever else is in sight.
      expect(await page.locator("#seatmap circle.seat").count()).toBeLessThanOrEqual(12_000);
      const seat = page.locator('#seatmap g[data-section="Block 5"] circle.seat[aria-label*="row 16, seat 25,"]');
      await seat.click();
      expect(await seat.getAttribute("aria-checked")).toBe("true");
      expect(await page.locator("#picked li").first().textContent()).toMatch(/^Block 5, row 16, seat 25, /);
      // A pick can be taken back from the list as well as on the map.
      await page.getByRole("button", { name: /^Remove Block 5, row 16, seat 25, / }).click();
      expect(await seat.getAttribute("aria-checked")).toBe("false");
      expect(await page.locator("#picked li").count()).toBe(0);
      await seat.click();
      await screenshot(page, `stadium-${size.name}-2-section`);

      await page.locator("#hold").click();
      await expect.poll(async () => (await page.locator("#hold-panel").isVisible()) || (await page.locator("#message").textContent()), { timeout: 10_000 }).toBe(true);
      expect(await page.locator("#hold-seats").textContent()).toMatch(/^1 seat held, /);
      await page.locator("#overview").click();
      await expect.poll(() => page.locator("#seatmap circle.seat").count()).toBe(0);
      // The fan's seat is still marked on the overview.
      expect(await page.locator("#seatmap .marks circle").count()).toBe(1);
      await screenshot(page, `stadium-${size.name}-3-held`);
      await page.locator("#release").click();
      await expect.poll(() => page.locator("#seatmap .marks circle").count()).toBe(0);
      expect(errors).toEqual([]);
    });
  }

  it("phone: the accessible-seats filter fades other seats, best-available finds a wheelchair space with its companion, and the fan holds them", async () => {
    const { page, errors } = await stadiumPage({ width: 390, height: 844 }, "stadium-access-fan");
    await page.locator("#best-accessible").check();
    expect(await page.locator("#seatmap").getAttribute("class")).toContain("accessible-only");
    // Every block of the stadium has wheelchair spaces in its front row: none fades.
    expect(await page.locator("#seatmap polygon.area.has-accessible").count()).toBe(60);
    await page.locator("#best-section").selectOption("Block 7");
    await page.locator("#best button[type=submit]").click();
    await expect.poll(() => page.locator("#picked li").count()).toBe(2);
    const picked = await page.locator("#picked li").allTextContents();
    expect(picked.some((p) => /^Block 7, row 1, seat \d+, wheelchair space, /.test(p))).toBe(true);
    expect(picked.every((p) => /wheelchair space|companion seat/.test(p))).toBe(true);
    // The map went to the block: its wheelchair spaces carry the symbol, and the picked ones are marked.
    await expect.poll(() => page.locator('#seatmap g[data-section="Block 7"] .seat-icon').count()).toBe(8);
    expect(await page.locator('#seatmap g[data-section="Block 7"] circle.seat.wheelchair[aria-checked="true"]').count()).toBeGreaterThanOrEqual(1);
    await screenshot(page, "stadium-phone-4-accessible");
    await page.locator("#hold").click();
    await expect.poll(async () => (await page.locator("#hold-panel").isVisible()) || (await page.locator("#message").textContent()), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#hold-seats").textContent()).toMatch(/^2 seats held, /);
    expect(errors).toEqual([]);
  });

  it("the keyboard moves and zooms the map, opens a section with Enter, and shows the whole venue again with 0", async () => {
    const { page, errors } = await stadiumPage({ width: 1280, height: 900 }, "stadium-keyboard-fan");
    const box = async () => ((await page.locator("#seatmap").getAttribute("viewBox")) ?? "").split(" ").map(Number);
    const home = await box();
    await page.locator("#seatmap").focus();
    await page.keyboard.press("+");
    await expect.poll(async () => (await box())[2]).toBeLessThan(home[2] ?? 0);
    const zoomed = await box();
    await page.keyboard.press("ArrowRight");
    await expect.poll(async () => (await box())[0]).toBeGreaterThan(zoomed[0] ?? 0);
    // Sections are buttons in the tab order: Enter on one zooms to its seats.
    await page.locator('#seatmap polygon[data-section="Block 20"]').focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator('#seatmap g[data-section="Block 20"] circle.seat').count()).toBe(1_500);
    expect(await page.locator("#overview").isHidden()).toBe(false);
    await page.locator("#seatmap").focus();
    await page.keyboard.press("0");
    await expect.poll(box).toEqual(home);
    expect(await page.locator("#overview").isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});
