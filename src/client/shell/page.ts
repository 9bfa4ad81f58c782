/** Small pieces every page uses: its server-rendered data, its elements, notices, money and countdowns. */
import { formatMoney } from "../../shared/language";
import { SHELL_COPY } from "../../shared/page-copy/shell";
import { pageLanguage } from "./language";
import { serverNow } from "./session";

/** The page's data, rendered by the server into <script type="application/json" id="page-data">. */
export function pageData<T = Record<string, unknown>>(): T {
  const el = document.getElementById("page-data");
  return (el?.textContent ? JSON.parse(el.textContent) : {}) as T;
}

/** Shows `text` in a notice element (hidden when empty). */
export function say(el: HTMLElement, text: string | null | undefined, kind = "notice"): void {
  el.hidden = !text;
  el.className = kind;
  el.textContent = text ?? "";
}

/**
 * An amount in the currency's minor unit, written the page language's way
 * ("$42.00", "42,00 €"). Formatters are cached per language and currency
 * (src/shared/language.ts): a seat map names thousands of seats in a frame.
 */
export function money(cents: number, currency = "usd"): string {
  return formatMoney(cents, currency, pageLanguage());
}

/** Counts down to an instant by the server's clock; calls onEnd once at zero. Returns a stop function. */
export function countdown(el: HTMLElement, expiresAtIso: string, onEnd?: () => void): () => void {
  const end = Date.parse(expiresAtIso);
  let done = false;
  const tick = () => {
    const left = Math.max(0, end - serverNow());
    const m = Math.floor(left / 60000);
    const s = Math.floor((left % 60000) / 1000);
    el.textContent = `${m}:${String(s).padStart(2, "0")}`;
    el.setAttribute("aria-label", SHELL_COPY[pageLanguage()].timeLeft({ minutes: m, seconds: s }));
    if (left === 0 && !done) {
      done = true;
      clearInterval(timer);
      onEnd?.();
    }
  };
  const timer = setInterval(tick, 250);
  tick();
  return () => clearInterval(timer);
}

/** `document.getElementById` for elements the page's server rendering always includes. */
export function byId<T extends Element = HTMLElement>(id: string): T {
  // getElementById is typed HTMLElement, but an id can name an SVG element too.
  const el: Element | null = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** `document.querySelector` for parts the page's server rendering always includes, where an id alone does not name them (a table's body). */
export function part<T extends Element = HTMLElement>(selector: string): T {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el as T;
}
