/**
 * The door in a browser: demo door staff open /door/:eventId, and the
 * camera (Chromium's fake device, filming a QR code written by
 * fake-camera.ts) scans a fan's rotating code: ADMIT with the seat, then
 * REJECT "already admitted" for the same code. A forged code typed in is
 * refused. With the network off the page admits from its door kit, and
 * uploads those scans when the network is back, showing the conflict of a
 * ticket another gate admitted meanwhile. On /me/tickets the fan's code
 * changes every 30 seconds (the page's clock is moved), the QR drawn reads
 * back as that code, and the door admits it.
 */
import jsQR from "jsqr";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { HeldTicket } from "../../src/shared/booking";
import { base64url, CODE_WINDOW_SECONDS, rotatingCode } from "../../src/shared/ticket-codes";
import { api, tokenFor } from "./api";
import { hasChromium, launch, screenshot, signInAs, watchErrors } from "./browser";
import { launchWithCamera, qrVideo } from "./fake-camera";

const base = inject("baseUrl");
const marker = inject("marker");

/** An event of the demo organization (whose door the demo door staff work): one row of ten seats. */
async function demoEvent(): Promise<string> {
  const organizer = await tokenFor("door-e2e-organizer", ["organizer"], "demo");
  const venue = await api<{ id: string }>("POST", "/api/venues", organizer, {
    name: `Door Hall ${marker}`,
    city: "Leeds",
    country: "GB",
    lat: 53.8,
    lng: -1.55,
    timezone: "Europe/London",
    sections: [{ name: "Stalls", rows: [{ name: "A", seats: 10 }] }],
  });
  const performer = await api<{ id: string }>("POST", "/api/performers", organizer, { name: `The Scanners ${marker}` });
  const startsAt = new Date(Date.now() + 2 * 3600_000).toISOString();
  const event = await api<{ id: string }>("POST", "/api/events", organizer, {
    name: `Door Night ${marker}`,
    type: "concert",
    startsAt,
    venueId: venue.body.id,
    performerId: performer.body.id,
    prices: [{ section: "Stalls", priceCents: 3000 }],
  });
  expect(event.status, JSON.stringify(event.body)).toBe(201);
  return event.body.id;
}

/** A fan books seats as the checkout page does (hold, checkout, the simulated card). */
async function book(eventId: string, userId: string, seats: number[]): Promise<string> {
  const fan = await tokenFor(userId, ["fan"]);
  const held = await api<{ holdId: string }>("POST", "/api/booking/reserve", fan, { ticketIds: seats.map((s) => `${eventId}.${s}`) });
  expect(held.status, JSON.stringify(held.body)).toBe(201);
  const confirmed = await api<{ paymentIntentId: string }>("PUT", "/api/booking/confirm", fan, { holdId: held.body.holdId });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  expect((await api("POST", `/api/dev/payments/${confirmed.body.paymentIntentId}/authorize`)).status).toBe(200);
  // Called from beforeAll, where expect.poll is not available.
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    if ((await api<{ state: string }>("GET", `/api/booking/holds/${held.body.holdId}`, fan)).body.state === "booked") return fan;
  }
  throw new Error(`the booking of ${userId} was not made in 15 s`);
}

/** A fan's tickets by seat index; with `holderKey`, their passes are bound to it (for rotating codes). */
async function ticketsOf(fan: string, holderKey?: string): Promise<Map<number, HeldTicket>> {
  const res = await api<{ tickets: HeldTicket[] }>("GET", `/api/me/tickets${holderKey ? `?holderKey=${holderKey}` : ""}`, fan);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Map(res.body.tickets.map((t) => [Number(t.id.split(".")[1]), t]));
}

const checkin = (door: string, code: string, gate: string) => api<Record<string, unknown>>("POST", "/api/checkin", door, { token: code, gate });

const verdict = (page: Page) => page.locator("#verdict");
const verdictIs = (page: Page, kind: "admit" | "reject") => expect.poll(() => verdict(page).getAttribute("data-verdict"), { timeout: 15_000 }).toBe(kind);

/** The door page of an event on a phone, signed in as the demo door staff, with its kit loaded. */
async function doorPage(browser: Browser, eventId: string, gate: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${base}/door/${eventId}`);
  await page.getByRole("button", { name: "Continue as demo door staff" }).click();
  await expect.poll(() => page.locator("#account").textContent()).toContain("Signed in as demo-door");
  // Six tickets are sold: those are the ones that can come in.
  await expect.poll(() => page.locator("#total-count").textContent()).toBe("6");
  expect(await page.locator("#door-title").textContent()).toBe(`Door: Door Night ${marker}`);
  await page.getByLabel("This gate's name").fill(gate);
  await page.getByLabel("This gate's name").press("Tab");
  return { page, errors };
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.getByLabel("Type or paste a code").fill(code);
  await page.getByRole("button", { name: "Check code" }).click();
}

let eventId = "";
let fanA = "";
let browser: Browser | undefined;
beforeAll(async () => {
  if (!hasChromium) return;
  eventId = await demoEvent();
  fanA = await book(eventId, "door-e2e-fan-a", [0, 1, 2, 3]);
  await book(eventId, "door-e2e-fan-b", [5, 6]);
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});
const shared = () => {
  if (!browser) throw new Error("no browser");
  return browser;
};

describe.skipIf(!hasChromium)("the door page", () => {
  it("scans a fan's rotating code with the camera: ADMIT with the seat, then REJECT when the same code comes back", async () => {
    // The fan's device key, and the code their page shows now, filmed by the door's camera.
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
    const holderKey = base64url(new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer));
    const pass = (await ticketsOf(fanA, holderKey)).get(0)?.pass ?? "";
    const code = await rotatingCode(pass, pair.privateKey, Math.floor(Date.now() / 1000), CODE_WINDOW_SECONDS);
    const camera = await launchWithCamera(qrVideo(code, "door-camera-code"));
    try {
      const { page, errors } = await doorPage(camera, eventId, "North");
      await page.getByRole("button", { name: "Start camera" }).click();
      await verdictIs(page, "admit");
      // Debian's Chromium has no BarcodeDetector: there, this journey is jsQR reading video frames.
      const native = await page.evaluate<boolean>(`"BarcodeDetector" in window`);
      expect(await page.locator("#camera").getAttribute("data-decoder")).toBe(native ? "BarcodeDetector" : "jsQR");
      expect(await verdict(page).getAttribute("role")).toBe("status");
      expect(await page.locator(".verdict-word").textContent()).toBe("ADMIT");
      expect(await page.locator(".verdict-seat").textContent()).toBe("Stalls · row A · seat 1");
      expect(await page.locator(".verdict-meta").textContent()).toContain("North");
      await screenshot(page, "door-1-admit");

      // Held up again after the camera was off: the server remembers the admission.
      await page.getByRole("button", { name: "Stop camera" }).click();
      await page.getByRole("button", { name: "Start camera" }).click();
      await verdictIs(page, "reject");
      expect(await page.locator(".verdict-word").textContent()).toBe("REJECT");
      expect(await page.locator(".verdict-seat").textContent()).toBe("Stalls · row A · seat 1");
      expect(await page.locator(".verdict-reason").textContent()).toMatch(/^Already admitted at North at /);
      await screenshot(page, "door-2-already-admitted");
      await expect.poll(() => page.locator("#admitted-count").textContent()).toBe("1");
      expect(errors).toEqual([]);
    } finally {
      await camera.close();
    }
  });

  it("refuses a forged code typed in, in plain words", async () => {
    const pass = (await ticketsOf(fanA)).get(1)?.pass ?? "";
    const [header, payload, signature] = pass.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as { l: string[] };
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, l: ["Stalls", "A", "10"] })).toString("base64url")}.${signature}`;
    const { page, errors } = await doorPage(shared(), eventId, "North");
    await typeCode(page, forged);
    await verdictIs(page, "reject");
    expect(await page.locator(".verdict-reason").textContent()).toBe("Not a valid ticket: forged or damaged code.");
    await typeCode(page, "hello");
    await expect.poll(() => page.locator(".verdict-reason").textContent()).toBe("Not a valid ticket: not a ticket code.");
    await screenshot(page, "door-3-forged");
    expect(errors).toEqual([]);
  });

  it("offline, admits from the door kit and keeps the scans; back online, uploads them and shows a conflict", async () => {
    const tickets = await ticketsOf(fanA);
    const clean = tickets.get(2)?.pass ?? "";
    const contested = tickets.get(3)?.pass ?? "";
    const { page, errors } = await doorPage(shared(), eventId, "West");
    const before = Number(await page.locator("#admitted-count").textContent());
    // The service worker has the page and its scripts before the network goes.
    await expect.poll(() => page.evaluate<boolean>(`caches.open("edge-tickets-offline-v1").then((c) => c.match(location.pathname)).then(Boolean)`)).toBe(true);
    await page.evaluate(`navigator.serviceWorker.ready.then(() => true)`);

    await page.context().setOffline(true);
    await expect.poll(() => page.locator("#network").textContent()).toContain("Offline");
    await typeCode(page, clean);
    await verdictIs(page, "admit");
    expect(await page.locator(".verdict-seat").textContent()).toBe("Stalls · row A · seat 3");
    expect(await page.locator(".verdict-meta").textContent()).toContain("checked on this device (offline)");
    // Meanwhile another gate, online, admits the other ticket, which this device's kit cannot know.
    const door = await tokenFor("door-e2e-south", ["door"], "demo");
    expect((await checkin(door, contested, "South")).status).toBe(200);
    await typeCode(page, contested);
    await expect.poll(() => page.locator(".verdict-seat").textContent()).toBe("Stalls · row A · seat 4");
    await verdictIs(page, "admit");
    // The same code again, still offline: refused from this device's own record.
    await typeCode(page, clean);
    await verdictIs(page, "reject");
    expect(await page.locator(".verdict-reason").textContent()).toMatch(/^Already admitted at West at /);
    expect(await page.locator("#pending-count").textContent()).toBe("2");
    expect(await page.locator("#admitted-count").textContent()).toBe(String(before + 2));
    await screenshot(page, "door-4-offline");

    // Reloaded without network (the service worker keeps the page): the kit and the scans to upload are still there.
    expect((await page.reload())?.fromServiceWorker()).toBe(true);
    await expect.poll(() => page.locator("#door-title").textContent()).toBe(`Door: Door Night ${marker}`);
    expect(await page.locator("#pending-count").textContent()).toBe("2");
    expect(await page.locator("#network").textContent()).toContain("Offline · admitting with the door kit");

    await page.context().setOffline(false);
    await expect.poll(() => page.locator("#pending-count").textContent(), { timeout: 20_000 }).toBe("0");
    await expect.poll(() => page.locator("#problems li").first().textContent()).toContain("Conflict: Stalls · row A · seat 4");
    expect(await page.locator("#problems li").first().textContent()).toContain("was also admitted at South");
    await expect.poll(() => page.locator("#conflict-count").textContent(), { timeout: 15_000 }).toBe("1");
    await screenshot(page, "door-5-uploaded");
    // The server recorded the offline admission with its gate.
    const again = await checkin(door, clean, "South");
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ admitted: false, reason: "already admitted", gate: "West" });
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)("the fan's tickets page", () => {
  it("shows a live code that changes every 30 seconds, reads back from its QR code, and opens the door", async () => {
    const context = await shared().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // The page's clock starts one second into the window before the current one, so the steps below
    // (well under 29 s) never cross a window on their own, and after the 30 s jump below the page is
    // still behind real time, never ahead of the door (which refuses codes from the future).
    const windowMs = CODE_WINDOW_SECONDS * 1000;
    await page.clock.install({ time: (Math.floor(Date.now() / windowMs) - 1) * windowMs + 1000 });
    await page.goto(`${base}/me/tickets`);
    await signInAs(page, "fan", "door-e2e-fan-b");
    await expect.poll(() => page.locator("#account").textContent()).toContain("Signed in as door-e2e-fan-b");
    const card = page.locator(`.ticket[data-ticket-id="${eventId}.5"]`);
    await expect.poll(() => card.getAttribute("data-code"), { timeout: 15_000 }).toBeTruthy();
    expect(await page.locator(".ticket").count()).toBe(2);
    expect(await card.locator("img").getAttribute("alt")).toBe("QR code of your ticket: Stalls, row A, seat 6. It changes every 30 seconds.");
    expect(await card.locator(".live-status").textContent()).toMatch(/^Live code · new one in \d+ s · /);
    const first = (await card.getAttribute("data-code")) ?? "";
    const firstWindow = Number(await card.getAttribute("data-window"));
    expect(first.split("~")).toHaveLength(3);
    // Below the codes, what the fan paid.
    await expect.poll(() => page.locator("#orders li").first().textContent()).toContain("2 tickets · $60.00 · confirmed");
    await screenshot(page, "tickets-1-live-code");

    // The QR code drawn on the page is the code: the page draws it into pixels, and the door's decoder (jsQR,
    // which the door page's bundle carries) reads them back here.
    const readQr = async () => {
      const rgba = await page.evaluate<string>(`(async () => {
        const img = document.querySelector(${JSON.stringify(`.ticket[data-ticket-id="${eventId}.5"] img`)});
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 600;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, 600, 600);
        ctx.drawImage(img, 0, 0, 600, 600);
        const data = ctx.getImageData(0, 0, 600, 600).data;
        let text = "";
        for (let i = 0; i < data.length; i += 0x8000) text += String.fromCharCode(...data.subarray(i, i + 0x8000));
        return btoa(text);
      })()`);
      const found = jsQR(new Uint8ClampedArray(Buffer.from(rgba, "base64")), 600, 600);
      return found ? found.data : null;
    };
    expect(await readQr()).toBe(first);

    // Thirty seconds later the page shows a new code, for the next window.
    await page.clock.fastForward(windowMs);
    await expect.poll(() => card.getAttribute("data-code")).not.toBe(first);
    const second = (await card.getAttribute("data-code")) ?? "";
    expect(Number(await card.getAttribute("data-window"))).toBe(firstWindow + CODE_WINDOW_SECONDS);
    await expect.poll(readQr).toBe(second);

    // The door admits the code the page shows, with its seat.
    const door = await tokenFor("door-e2e-east", ["door"], "demo");
    const admitted = await checkin(door, second, "East");
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    expect(admitted.body).toMatchObject({ admitted: true, ticketId: `${eventId}.5`, section: "Stalls", row: "A", seat: "6" });

    // Reopened with no network (the service worker keeps the page), it shows the tickets saved on the phone, codes still rotating.
    await expect.poll(() => page.evaluate<boolean>(`caches.open("edge-tickets-offline-v1").then((c) => c.match(location.pathname)).then(Boolean)`)).toBe(true);
    await page.evaluate(`navigator.serviceWorker.ready.then(() => true)`);
    await page.context().setOffline(true);
    expect((await page.reload())?.fromServiceWorker()).toBe(true);
    await expect.poll(() => page.locator("#message").textContent()).toContain("Showing the tickets saved on this device");
    await screenshot(page, "tickets-2-offline");
    await expect.poll(() => page.locator(`.ticket[data-ticket-id="${eventId}.6"]`).getAttribute("data-code")).toBeTruthy();
    await page.context().setOffline(false);
    await page.evaluate(`document.dispatchEvent(new CustomEvent("account-changed"))`);
    await expect.poll(() => card.getAttribute("data-state")).toBe("admitted");
    expect(await card.textContent()).toContain("Admitted at the door");
    await screenshot(page, "tickets-3-admitted");
    expect(errors).toEqual([]);
  });
});
