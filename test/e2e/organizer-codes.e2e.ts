/**
 * The organizer's side of all-in prices and codes, in a browser: the demo
 * organizer makes an event with a service fee and tax on the organizer
 * page, changes them on the event's dashboard (seeing what the cheapest
 * ticket then costs all in), creates a presale and a promo code, sees them
 * listed with their uses, sees a fan's booking with the promo counted and
 * split in the report, changes a limit and disables a code by keyboard.
 * axe checks the panels as they change.
 *
 * The prices, worked by hand (per ticket, half up), for the 45.00 face value:
 *   create form, 1.50 + 10 % fee, 21.5 % tax: fee 150 + 450 = 600,
 *     tax 5100 × 0.215 = 1096.5 → 1097, total 6197
 *   dashboard, 2.00 + 2.5 % fee, 20 % tax: fee 200 + 112.5 → 113 = 313,
 *     tax 4813 × 0.2 = 962.6 → 963, total 5776
 *   with the 10 % promo: discount 450, net 4050, fee 200 + 101.25 → 101 = 301,
 *     tax 4351 × 0.2 = 870.2 → 870, total 5221
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api } from "./api";
import { expectAccessible } from "./axe";
import { hasChromium, pageApi, screenshot, sharedBrowser, watchErrors } from "./browser";

const base = inject("baseUrl");
const marker = inject("marker");
const browser = sharedBrowser();

interface Fees {
  feeFixedCents: number;
  feePercentBp: number;
  taxRateBp: number;
}

/** A fan books one ticket with a code through the API, as the event and checkout pages do; answers the hold's total. */
async function bookWithCode(ticketId: string, code: string): Promise<number> {
  const { body: minted } = await api<{ token: string }>("POST", "/api/dev/token", undefined, { userId: `codes-fan-${marker}`, roles: ["fan"] });
  const held = await api<{ holdId: string; totalCents: number }>("POST", "/api/booking/reserve", minted.token, { ticketIds: [ticketId], code });
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  const confirmed = await api<{ paymentIntentId: string }>("PUT", "/api/booking/confirm", minted.token, { holdId: held.body.holdId });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect((await api("POST", `/api/dev/payments/${confirmed.body.paymentIntentId}/authorize`)).status).toBe(200);
  await expect
    .poll(async () => (await api<{ state: string }>("GET", `/api/booking/holds/${held.body.holdId}`, minted.token)).body.state, { timeout: 10_000 })
    .toBe("booked");
  return held.body.totalCents;
}

const message = (page: Page, id: string) => page.locator(`#${id}`).textContent();
const splitFigure = (page: Page, list: string, term: string) => page.locator(`#${list} dt:text-is("${term}") + dd`).textContent();
const code = (page: Page, text: string) => page.locator("#codes > li").filter({ has: page.getByRole("heading", { name: new RegExp(`^${text} ·`) }) });

/** Makes a performer, a club and an event with fees through the organizer page's forms; answers the event's id. */
async function createEventWithFees(page: Page): Promise<string> {
  const performer = page.locator("#performer-form");
  await performer.getByLabel("Name").fill(`The Coders ${marker}`);
  await performer.getByRole("button", { name: "Create performer" }).click();
  await expect.poll(() => message(page, "message")).toContain("Performer created");
  const venue = page.locator("#venue-form");
  await venue.getByLabel("Name").fill(`Code Club ${marker}`);
  await venue.getByLabel("City").fill("Leeds");
  await venue.getByLabel("Layout").selectOption("club");
  await venue.getByRole("button", { name: "Create venue" }).click();
  await expect.poll(() => message(page, "message")).toContain("Venue created");
  const event = page.locator("#event-form");
  await event.getByLabel("Name").fill(`Codes Night ${marker}`);
  await event.getByLabel("Starts").fill("2031-06-01T20:00");
  await event.getByLabel("Service fee, fixed amount (USD)").fill("1.5");
  await event.getByLabel("Service fee, percent of the price").fill("10");
  await event.getByLabel("Tax rate, percent of price and fee").fill("21,5");
  await event.getByRole("button", { name: "Create event" }).click();
  // 21,5 reads as 21.5 %: a decimal comma is accepted. Then a typo is refused before anything is sent.
  await expect.poll(() => message(page, "message")).toContain("Event created");
  const id = /ev_[0-9a-z]+/.exec((await message(page, "message")) ?? "")?.[0] ?? "";
  expect(await pageApi<{ fees: Fees }>(page, `/api/events/${id}`)).toMatchObject({ fees: { feeFixedCents: 150, feePercentBp: 1000, taxRateBp: 2150 } });
  await event.getByLabel("Tax rate, percent of price and fee").fill("2.105");
  await event.getByRole("button", { name: "Create event" }).click();
  await expect.poll(() => message(page, "message")).toBe("The tax rate must be a percent from 0 to 100, with at most two decimals.");
  await screenshot(page, "codes-0-create-event-with-fees");
  return id;
}

describe.skipIf(!hasChromium)("the organizer's fees and codes", () => {
  it("sets the fees with an all-in example, creates presale and promo codes, counts their uses and disables one", async () => {
    // axe is injected as an inline script, which the pages' Content-Security-Policy (rightly) refuses.
    const context = await browser().newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${base}/organizer`);
    await page.getByRole("button", { name: "Continue as demo organizer" }).click();
    await expect.poll(() => page.locator("#account").textContent()).toContain("Signed in as demo-organizer");
    const eventId = await createEventWithFees(page);

    // The dashboard shows the fees as saved, and what the cheapest ticket costs under them.
    await page.goto(`${base}/organizer/events/${eventId}`);
    await page.locator("#dashboard").waitFor();
    const fixed = page.getByLabel("Service fee, fixed amount (USD)");
    const percent = page.getByLabel("Service fee, percent of the face value");
    const tax = page.getByLabel("Tax rate, percent of face value and fee");
    await expect.poll(() => fixed.inputValue()).toBe("1.50");
    expect(await percent.inputValue()).toBe("10");
    expect(await tax.inputValue()).toBe("21.5");
    expect(await message(page, "fees-example")).toBe("A ticket of the cheapest face value, $45.00, costs $61.97 all in:");

    // New fees: the example follows the fields, then the save is confirmed from the API.
    await fixed.fill("2");
    await percent.fill("2.5");
    await tax.fill("20");
    expect(await message(page, "fees-example")).toBe("Once saved, a ticket of the cheapest face value, $45.00, costs $57.76 all in:");
    expect(await splitFigure(page, "fees-split", "Service fee")).toBe("$3.13");
    expect(await splitFigure(page, "fees-split", "Tax")).toBe("$9.63");
    await page.getByRole("button", { name: "Save the fees and tax" }).click();
    await expect.poll(() => message(page, "fees-message")).toBe("The fees and tax are saved. Fans now pay $57.76 for the cheapest ticket. Holds made before keep their price.");
    expect(await fixed.inputValue()).toBe("2.00");
    expect(await message(page, "fees-example")).toBe("A ticket of the cheapest face value, $45.00, costs $57.76 all in:");
    expect((await pageApi<{ fees: Fees; prices: { minCents: number }[] }>(page, `/api/events/${eventId}`)).fees).toEqual({ feeFixedCents: 200, feePercentBp: 250, taxRateBp: 2000 });

    // A percent with three decimals is refused here; an amount over the API's limit is refused by the API, in its words.
    await percent.fill("2.555");
    expect(await percent.getAttribute("aria-invalid")).toBe("true");
    await page.getByRole("button", { name: "Save the fees and tax" }).click();
    await expect.poll(() => message(page, "fees-message")).toBe("The service fee's percent must be a number from 0 to 100, with at most two decimals.");
    expect(await page.evaluate("document.activeElement.id")).toBe("fee-percent");
    await percent.fill("2.5");
    await fixed.fill("2000000");
    await page.getByRole("button", { name: "Save the fees and tax" }).click();
    await expect.poll(() => message(page, "fees-message")).toMatch(/^invalid .*feeFixedCents/);
    expect(await page.locator("#fees-message").getAttribute("class")).toBe("error");
    await fixed.fill("2.00");
    await screenshot(page, "codes-1-fees");

    // A presale code, typed in lower case (stored upper case).
    await page.getByLabel(/^Code \(what fans type/).fill("fanclub");
    await page.locator("#code-form").getByLabel("Uses at most").fill("50");
    await page.getByRole("button", { name: "Create the code" }).click();
    await expect.poll(() => message(page, "codes-message")).toBe("FANCLUB is created: Presale: lets its holders buy before the sale opens.");
    await expect.poll(() => code(page, "FANCLUB").locator(".uses").textContent()).toBe("Uses: 0 of 50 (0 reserved by live holds, 0 spent by bookings).");

    // A promo code: 10 % off in the Balcony, until a date.
    expect(await page.locator("#code-discount").isHidden()).toBe(true);
    await page.getByRole("radio", { name: /^Promo/ }).check();
    await page.getByLabel(/^Code \(what fans type/).fill("SAVE10");
    await page.getByLabel("Kind of discount").selectOption("percent");
    await page.getByLabel("Percent off each ticket's face value").fill("10");
    await page.locator("#code-sections").getByRole("checkbox", { name: "Balcony" }).check();
    await page.locator("#code-form").getByLabel("Uses at most").fill("10");
    await page.getByLabel("Valid until (optional)").fill("2031-05-31T23:00");
    await expectAccessible(page, "the dashboard with the fees panel and a promo code being made");
    await page.getByRole("button", { name: "Create the code" }).click();
    await expect.poll(() => message(page, "codes-message")).toBe("SAVE10 is created: Promo: 10% off each ticket's face value, in Balcony.");
    await expect.poll(() => code(page, "SAVE10").locator(".uses").textContent()).toBe("Uses: 0 of 10 (0 reserved by live holds, 0 spent by bookings).");
    expect(await code(page, "SAVE10").locator(".meta").textContent()).toMatch(/^Valid until /);
    expect(await page.locator("#code-discount").isHidden()).toBe(true);

    // The API's refusal is shown in its words.
    await page.getByLabel(/^Code \(what fans type/).fill("FanClub");
    await page.getByRole("button", { name: "Create the code" }).click();
    await expect.poll(() => message(page, "codes-message")).toBe("the event already has a code FANCLUB");
    await screenshot(page, "codes-2-codes");

    // A fan books a Balcony seat (index 65 of the club) with the promo: the room counts the use as spent.
    expect(await bookWithCode(`${eventId}.65`, "save10")).toBe(5221);
    await page.reload();
    await expect.poll(() => code(page, "SAVE10").locator(".uses").textContent()).toBe("Uses: 1 of 10 (0 reserved by live holds, 1 spent by bookings).");
    // The report splits what the fan paid: face value, less the discount, plus fee and tax.
    await expect.poll(() => splitFigure(page, "money-split", "Face value")).toBe("$45.00");
    expect(await splitFigure(page, "money-split", "Discounts")).toBe("-$4.50");
    expect(await splitFigure(page, "money-split", "Service fees")).toBe("$3.01");
    expect(await splitFigure(page, "money-split", "Tax")).toBe("$8.70");
    await screenshot(page, "codes-3-report-split");

    // Change the promo's limit, and disable the presale code by keyboard.
    const limit = code(page, "SAVE10").getByLabel("Uses at most for SAVE10");
    await limit.fill("20");
    await limit.press("Enter");
    await expect.poll(() => message(page, "codes-message")).toBe("SAVE10 may now be used 20 times.");
    await expect.poll(() => code(page, "SAVE10").locator(".uses").textContent()).toBe("Uses: 1 of 20 (0 reserved by live holds, 1 spent by bookings).");
    await page.getByRole("button", { name: "Disable FANCLUB" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => message(page, "codes-message")).toBe("FANCLUB is disabled: new holds cannot use it; holds made with it keep their price.");
    await expect.poll(() => code(page, "FANCLUB").locator("h3").textContent()).toBe("FANCLUB · presale · disabled");
    // The list is drawn again, and the keyboard is still on the button (now the one that enables it).
    await expect.poll(() => page.evaluate("document.activeElement.getAttribute('aria-label')")).toBe("Enable FANCLUB");
    const listed = await pageApi<{ codes: { code: string; disabled: boolean; maxUses: number }[] }>(page, `/api/events/${eventId}/codes`);
    expect(listed.codes.map((c) => [c.code, c.disabled, c.maxUses])).toEqual([
      ["FANCLUB", true, 50],
      ["SAVE10", false, 20],
    ]);
    await expectAccessible(page, "the dashboard with codes listed, one disabled");
    await screenshot(page, "codes-4-disabled");

    // The panels at phone size.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, "the dashboard's fees and codes at phone size");
    await screenshot(page, "codes-5-phone");
    expect(errors).toEqual([]);
  });
});
