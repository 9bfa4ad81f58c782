/**
 * The live operations view in a browser: the demo organizer opens
 * /organizer/events/:id/live for an event with a waiting room while a sale
 * is scripted through the API (fans join the queue, are admitted, hold
 * seats; one pays with the simulated card, one gives the seats back), and
 * the page's figures move with it. From the page the organizer pauses sales
 * (a fan's hold is refused with 503 and Retry-After, the banner shows, the
 * audit says so), resumes them, and extends the live holds (the fan's hold
 * ends later); blocks seats and changes the waiting room. A fan who opens
 * the page is told they are not allowed, and sees no figures.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { api, tokenFor } from "./api";
import { hasChromium, screenshot, sharedBrowser, signInAs, watchErrors } from "./browser";

const base = inject("baseUrl");
const marker = inject("marker");
const browser = sharedBrowser();

/** An event of the demo organization (the demo organizer's) with two sections (10 + 6 seats) and, unless told, a waiting room admitting every second. */
async function queuedEvent(name: string, waitingRoom = true): Promise<string> {
  const organizer = await tokenFor("ops-e2e-organizer", ["organizer"], "demo");
  const venue = await api<{ id: string }>("POST", "/api/venues", organizer, {
    name: `Ops Hall ${name} ${marker}`,
    city: "Leeds",
    country: "GB",
    lat: 53.8,
    lng: -1.55,
    timezone: "Europe/London",
    sections: [
      { name: "Stalls", rows: [{ name: "A", seats: 10 }] },
      { name: "Balcony", rows: [{ name: "B", seats: 6 }] },
    ],
  });
  expect(venue.status, JSON.stringify(venue.body)).toBe(201);
  const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `The Operators ${marker}` });
  const event = await api<{ id: string }>("POST", "/api/events", organizer, {
    name: `Ops Night ${name} ${marker}`,
    type: "concert",
    startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    venueId: venue.body.id,
    performerId: performer.body.id,
    prices: [
      { section: "Stalls", priceCents: 5000 },
      { section: "Balcony", priceCents: 3000 },
    ],
  });
  expect(event.status, JSON.stringify(event.body)).toBe(201);
  if (!waitingRoom) return event.body.id;
  const queue = await api("PATCH", `/api/events/${event.body.id}`, organizer, { queue: { enabled: true, batchSize: 10, tickSeconds: 1 } });
  expect(queue.status, JSON.stringify(queue.body)).toBe(200);
  return event.body.id;
}

interface Fan {
  token: string;
  admission: string;
}

/** A fan joins the waiting room and waits for their admission, as the queue page does. */
async function admittedFan(eventId: string, userId: string): Promise<Fan> {
  const token = await tokenFor(userId, ["fan"]);
  const joined = await api<{ queueTicket: string }>("POST", `/api/events/${eventId}/queue`, token);
  expect(joined.status, JSON.stringify(joined.body)).toBe(201);
  const status = () => api<{ admissionToken?: string }>("GET", `/api/events/${eventId}/queue/status?ticket=${encodeURIComponent(joined.body.queueTicket)}`);
  await expect.poll(async () => (await status()).body.admissionToken, { timeout: 15_000, interval: 300 }).toBeTruthy();
  return { token, admission: (await status()).body.admissionToken ?? "" };
}

/** `POST /api/booking/reserve` with the fan's admission token; the answer with its Retry-After. */
async function reserve(eventId: string, fan: Fan, seats: number[]): Promise<{ status: number; retryAfter: string | null; body: { holdId?: string; expiresAt?: string; detail?: string } }> {
  const res = await fetch(`${base}/api/booking/reserve`, {
    method: "POST",
    headers: { authorization: `Bearer ${fan.token}`, "x-admission-token": fan.admission, "content-type": "application/json" },
    body: JSON.stringify({ ticketIds: seats.map((s) => `${eventId}.${s}`) }),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { holdId?: string; expiresAt?: string } };
}

async function hold(eventId: string, fan: Fan, seats: number[]): Promise<{ holdId: string; expiresAt: string }> {
  const held = await reserve(eventId, fan, seats);
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  return { holdId: held.body.holdId ?? "", expiresAt: held.body.expiresAt ?? "" };
}

/** The fan pays for a hold with the simulated card and waits for the booking. */
async function pay(fan: Fan, holdId: string): Promise<void> {
  const confirmed = await api<{ paymentIntentId: string }>("PUT", "/api/booking/confirm", fan.token, { holdId });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect((await api("POST", `/api/dev/payments/${confirmed.body.paymentIntentId}/authorize`)).status).toBe(200);
  await expect.poll(async () => (await api<{ state: string }>("GET", `/api/booking/holds/${holdId}`, fan.token)).body.state, { timeout: 15_000 }).toBe("booked");
}

async function signedIn(role: "organizer" | "fan", width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  const context = await browser().newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}/organizer`);
  if (role === "organizer") await page.getByRole("button", { name: "Continue as demo organizer" }).click();
  else await signInAs(page, "fan", `ops-e2e-fan-${marker}`);
  await expect.poll(() => page.locator("#account").textContent()).toContain("Signed in as");
  return { page, errors };
}

/** The text of one figure of the page (`data-figure`). */
const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).first().textContent();
/** Waits until a figure shows a value (the stream sends the figures every second). */
const shows = (page: Page, name: string, value: string) => expect.poll(() => figure(page, name), { timeout: 10_000 }).toBe(value);
const firstAuditRow = (page: Page) => page.locator("#audit tbody tr").first().textContent();

describe.skipIf(!hasChromium)("the live operations view", () => {
  it("follows a scripted sale live; pauses, resumes and extends holds from the page, with the audit", async () => {
    const eventId = await queuedEvent("sale");
    const { page, errors } = await signedIn("organizer", 1280, 800);
    await page.goto(`${base}/organizer/events/${eventId}/live`);
    await expect.poll(() => page.locator("#conn-state").textContent(), { timeout: 10_000 }).toBe("Live");
    expect(await page.locator("#event-name").textContent()).toBe(`Ops Night sale ${marker}`);
    await shows(page, "seats.available", "16");
    expect(await figure(page, "seats.sold")).toBe("0");
    expect(await figure(page, "holds.created")).toBe("0");
    expect(await figure(page, "queue.admitted")).toBe("0");
    expect(await page.locator("#queue-panel").isVisible()).toBe(true);
    expect(await page.locator("#sections tbody th").allTextContents()).toEqual(["Stalls", "Balcony"]);

    // The sale: three fans through the waiting room; A pays for two seats, B gives one back, C holds one.
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((name) => admittedFan(eventId, `ops-fan-${name}-${marker}`)));
    if (!a || !b || !c) throw new Error("three fans were not admitted");
    await shows(page, "queue.admitted", "3");
    const heldA = await hold(eventId, a, [0, 1]);
    const heldB = await hold(eventId, b, [12]);
    await shows(page, "holds.created", "2");
    await shows(page, "seats.held", "3");
    expect(await figure(page, "holds.live")).toBe("2");
    await pay(a, heldA.holdId);
    expect((await api("DELETE", `/api/booking/holds/${heldB.holdId}`, b.token)).status).toBe(204);
    await shows(page, "seats.sold", "2");
    await shows(page, "holds.released", "1");
    await shows(page, "payments.captured", "1");
    expect(await figure(page, "holds.booked")).toBe("1");
    expect(await figure(page, "holds.conversion")).toBe("50%");
    expect(await figure(page, "seats.available")).toBe("14");
    expect(await page.locator('#sections th:text-is("Stalls") ~ td').nth(2).textContent()).toBe("2");
    expect(await page.locator("#holds-chart svg desc").textContent()).toContain("Created: 2 in all");
    expect(await page.locator("#queue-chart svg desc").textContent()).toContain("Admitted: 3 in all");

    // Mid-sale, with fan C holding a seat: the page at a laptop's and a phone's width.
    await hold(eventId, c, [3]);
    await shows(page, "seats.held", "1");
    await screenshot(page, "ops-live-1-desktop");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBe(390);
    await screenshot(page, "ops-live-2-phone");
    await page.setViewportSize({ width: 1280, height: 800 });

    // Pause from the page: a fan's next hold is refused with 503 and Retry-After, the banner says who and why, the audit lists it.
    await page.getByLabel("Reason (the team and the audit see it)").fill("payment provider incident");
    await page.getByLabel("Tell refused fans to retry after (seconds)").fill("30");
    await page.getByRole("button", { name: "Pause sales" }).click();
    await expect.poll(() => page.locator("#sales-result").textContent()).toContain("Sales paused");
    expect(await page.locator("#paused-banner").isVisible()).toBe(true);
    expect(await page.locator("#paused-detail").textContent()).toContain("by demo-organizer: payment provider incident");
    const refused = await reserve(eventId, c, [4]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(503);
    expect(refused.retryAfter).toBe("30");
    await shows(page, "rejected.paused", "1");
    await expect.poll(() => firstAuditRow(page), { timeout: 15_000 }).toContain("sales_paused");
    expect(await firstAuditRow(page)).toContain("payment provider incident");
    expect(await firstAuditRow(page)).toContain("demo-organizer");
    await screenshot(page, "ops-live-3-paused");

    // Resume: the banner goes, and holds are made again.
    await page.getByRole("button", { name: "Resume sales" }).click();
    await expect.poll(() => page.locator("#sales-result").textContent()).toContain("Sales resumed");
    expect(await page.locator("#paused-banner").isHidden()).toBe(true);
    await expect.poll(() => firstAuditRow(page), { timeout: 15_000 }).toContain("sales_resumed");

    // Extend every live hold by 5 minutes, after confirming: fan C's new hold ends 5 minutes later.
    const heldC = await hold(eventId, c, [4]);
    await page.getByLabel("Minutes to add to every live hold").fill("5");
    await page.locator("#extend-form").getByLabel("Reason").fill("card network was down");
    await page.getByRole("button", { name: "Review extension…" }).click();
    expect(await page.locator("#extend-question").textContent()).toContain("5 more minutes, because: card network was down?");
    await page.getByRole("button", { name: "Extend every live hold" }).click();
    await expect.poll(() => page.locator("#extend-result").textContent()).toMatch(/^Extended [12] holds? \(\d seats?\) by 5 minutes/);
    const after = await api<{ expiresAt: string; state: string }>("GET", `/api/booking/holds/${heldC.holdId}`, c.token);
    expect(after.body.state).toBe("held");
    expect(Date.parse(after.body.expiresAt) - Date.parse(heldC.expiresAt)).toBe(5 * 60_000);
    await expect.poll(() => firstAuditRow(page), { timeout: 15_000 }).toContain("holds_extended");
    expect(await firstAuditRow(page)).toContain("card network was down");
    expect(errors).toEqual([]);
  });

  it("blocks and releases seats and changes the waiting room from the page", async () => {
    const eventId = await queuedEvent("controls");
    const { page, errors } = await signedIn("organizer", 1280, 800);
    await page.goto(`${base}/organizer/events/${eventId}/live`);
    await expect.poll(() => page.locator("#conn-state").textContent(), { timeout: 10_000 }).toBe("Live");

    await page.getByLabel("Ticket ids (separated by spaces, commas or lines)").fill(`${eventId}.8, ${eventId}.9`);
    await page.locator("#block-form").getByLabel("Reason").fill("camera position");
    await page.getByRole("button", { name: "Block these seats" }).click();
    await expect.poll(() => page.locator("#block-result").textContent()).toBe("Blocked 2 seats: camera position.");
    await shows(page, "seats.blocked", "2");
    await page.getByRole("button", { name: "Release the block camera position (2 seats)" }).click();
    await expect.poll(() => page.locator("#block-result").textContent()).toContain("Released 2 seats");
    await shows(page, "seats.blocked", "0");
    // A ticket of another event is refused with the API's own words.
    await page.getByLabel("Ticket ids (separated by spaces, commas or lines)").fill("ev_nope.1");
    await page.locator("#block-form").getByLabel("Reason").fill("typo");
    await page.getByRole("button", { name: "Block these seats" }).click();
    await expect.poll(() => page.locator("#block-result").textContent()).toContain("is not a ticket of event");

    await shows(page, "queue.settings", "10 fans every 1 s, at most 1,000 shopping, 15 min each");
    await page.getByLabel("Fans admitted per tick").fill("25");
    await page.locator("#queue-form").getByLabel("Reason (optional, for the audit)").fill("room is keeping up");
    await page.getByRole("button", { name: "Apply settings" }).click();
    await expect.poll(() => page.locator("#queue-result").textContent()).toContain("admits 25 fans every 1 s");
    await shows(page, "queue.settings", "25 fans every 1 s, at most 1,000 shopping, 15 min each");
    await page.getByRole("button", { name: "Pause admission" }).click();
    await shows(page, "queue.state", "admission paused");
    await page.getByRole("button", { name: "Close the queue…" }).click();
    await page.getByRole("button", { name: "Close the queue", exact: true }).click();
    await shows(page, "queue.state", "closed");
    await expect.poll(() => page.locator("#audit tbody tr").allTextContents(), { timeout: 15_000 }).toEqual([
      expect.stringContaining("queue_changed"),
      expect.stringContaining("queue_changed"),
      expect.stringContaining("queue_changed"),
      expect.stringContaining("block_released"),
      expect.stringContaining("seats_blocked"),
      // Turning the waiting room on, when the test made the event.
      expect.stringContaining("ops-e2e-organizer"),
    ]);
    const rows = page.locator("#audit tbody tr");
    expect(await rows.nth(0).locator(".ops-change").textContent()).toBe("queue.closed: — → true");
    expect(await rows.nth(2).textContent()).toContain("room is keeping up");
    expect(await rows.nth(2).locator(".ops-change").textContent()).toBe("queue.batchSize: 10 → 25");
    expect(await rows.nth(1).locator("td").nth(3).textContent()).toBe("—");
    expect(await rows.nth(4).textContent()).toContain("camera position");
    await screenshot(page, "ops-live-4-controls");
    expect(errors).toEqual([]);
  });

  it("warns of parts that could not be read, and reconnects when the stream ends or fails", async () => {
    const eventId = await queuedEvent("reconnect");
    const organizer = await tokenFor("ops-e2e-organizer", ["organizer"], "demo");
    const now = await api<Record<string, unknown>>("GET", `/api/events/${eventId}/ops`, organizer);
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    const { page, errors } = await signedIn("organizer", 1280, 800);
    // The stream, as the page sees it: one frame without the seat room then an end with a retry hint; a stall then a 503; then the real one.
    let streams = 0;
    let unstall = () => {};
    const stalled = new Promise<void>((resolve) => (unstall = resolve));
    await page.route(`**/api/events/${eventId}/ops/stream`, async (route) => {
      streams += 1;
      if (streams === 1) {
        const frame = JSON.stringify({ ...now.body, seatRoom: null, unavailable: ["seatRoom"] });
        await route.fulfill({ status: 200, contentType: "text/event-stream", body: `event: figures\nid: 0\ndata: ${frame}\n\nretry: 200\n\n` });
      } else if (streams === 2) {
        await stalled;
        await route.fulfill({ status: 503, contentType: "application/problem+json", body: JSON.stringify({ status: 503, detail: "the room is being deployed" }) });
      } else await route.continue();
    });
    await page.goto(`${base}/organizer/events/${eventId}/live`);
    await expect.poll(() => page.locator("#unavailable").textContent()).toContain("the seat room (seats, holds, health) could not be read just now");
    expect(await page.locator("#seats-panel").getAttribute("class")).toContain("is-stale");
    expect(await page.locator("#seats-panel .ops-stale-note").isVisible()).toBe(true);
    await expect.poll(() => page.locator("#conn-state").textContent(), { timeout: 10_000 }).toBe("Reconnecting…");
    expect(await page.locator("#conn-last").textContent()).toMatch(/^last figures at \d\d:\d\d:\d\d \(\d+ s ago\)$/);
    await screenshot(page, "ops-live-6-reconnecting");
    unstall();
    await expect.poll(() => page.locator("#conn-state").textContent(), { timeout: 10_000 }).toBe("Live");
    expect(streams).toBe(3);
    await expect.poll(() => page.locator("#unavailable").isHidden()).toBe(true);
    expect(await page.locator("#seats-panel").getAttribute("class")).not.toContain("is-stale");
    expect(errors).toEqual([]);
  });

  it("an event without a waiting room shows no waiting room figures, and its controls say why", async () => {
    const eventId = await queuedEvent("plain", false);
    const { page, errors } = await signedIn("organizer", 1280, 800);
    await page.goto(`${base}/organizer/events/${eventId}/live`);
    await expect.poll(() => page.locator("#conn-state").textContent(), { timeout: 10_000 }).toBe("Live");
    await shows(page, "seats.available", "16");
    expect(await page.locator("#queue-panel").isHidden()).toBe(true);
    expect(await page.locator("#queue-form").isHidden()).toBe(true);
    expect(await page.locator("#queue-none").textContent()).toContain("This event has no waiting room.");
    expect(errors).toEqual([]);
  });

  it("a fan who opens the page is told it is not allowed, and sees no figures", async () => {
    const eventId = await queuedEvent("fan");
    const { page, errors } = await signedIn("fan", 390, 844);
    await page.goto(`${base}/organizer/events/${eventId}/live`);
    await expect.poll(() => page.locator("#message").textContent()).toContain("Not allowed");
    expect(await page.locator("#ops").isHidden()).toBe(true);
    expect(await figure(page, "seats.sold")).toBe("—");
    await screenshot(page, "ops-live-5-not-allowed");
    expect(errors).toEqual([]);
  });
});

describe.skipIf(hasChromium)("live operations journeys", () => {
  it("are skipped: no Chromium at /usr/bin/chromium", () => {
    expect(hasChromium).toBe(false);
  });
});
