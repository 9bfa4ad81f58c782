/** Debian's Chromium through playwright-core, headless; screenshots go to test-results/. */
import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** One browser for a test file: launched before its tests (where Chromium is installed), closed after them. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (hasChromium) browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("no browser: the tests that use it run only where Chromium is installed");
    return browser;
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

/** Fails the test on any script error in the page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/**
 * Signs the page in under a chosen name through the demo identity provider,
 * the way the account widget's demo buttons do (src/client/shell/session.ts
 * beginSignIn): a fresh state kept in sessionStorage, then the provider hands
 * the token back in the URL's fragment with that state.
 */
export async function signInAs(page: Page, role: "fan" | "organizer", userId: string): Promise<void> {
  // Page code as text: this file is type-checked without the DOM's types.
  await page.evaluate(`(() => {
    const state = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("edge-tickets-sign-in-state", state);
    const target = new URL("/api/dev/sign-in", location.href);
    const params = { role: ${JSON.stringify(role)}, userId: ${JSON.stringify(userId)}, state, redirect_uri: location.origin + location.pathname + location.search };
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    location.assign(target.href);
  })()`);
  // Back on the page, signed in (the account widget names the fan, in the page's language): a later navigation cannot cut the hand-off short.
  await expect.poll(() => page.locator("#account").textContent(), { timeout: 15_000 }).toContain(userId);
}

/** Calls the API from the page with its signed-in token; answers the JSON body. */
export function pageApi<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(`(async () => {
    const token = localStorage.getItem("edge-tickets-token");
    const res = await fetch(${JSON.stringify(path)}, { headers: token ? { authorization: "Bearer " + token } : {} });
    return res.json();
  })()`) as Promise<T>;
}
