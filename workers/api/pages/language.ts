/**
 * The language of a fan's page, and the switcher's route that remembers a
 * choice (docs/languages.md).
 *
 * A fan page is rendered in the language of the `lang` cookie, else of
 * Accept-Language, else English (src/shared/language.ts requestLanguage),
 * and says so: `<html lang>`, `Content-Language`, and `Vary: Accept-Language,
 * Cookie` with `Cache-Control: private, no-cache`, so no shared cache keeps
 * one fan's language for another. The edge cache is not involved: it holds
 * the catalog's JSON, which has no words of ours, and every language's page
 * is rendered from the same entry (workers/api/edge-cache.ts).
 *
 * The switcher is a form in every fan page's header (no script needed) that
 * posts here; the answer sets the cookie and sends the fan back to the page
 * they were on. Only a path of this site is a place to go back to: anything
 * else is refused, so the route cannot be used to send fans elsewhere.
 */
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { LANGUAGES, requestLanguage, type Language } from "../../../src/shared/language";
import type { AppEnv } from "../env";
import { Problem } from "../problem";

export const LANGUAGE_COOKIE = "lang";
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
const MAX_PATH_LENGTH = 2048;

/** A fan page's language, and the page's own path (where the switcher brings the fan back to). */
export interface PageLanguage {
  language: Language;
  here: string;
}

/** Chooses the page's language for this request and sets the headers that say the answer depends on it. */
export function pageLanguage(c: Context<AppEnv>): PageLanguage {
  const language = requestLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header("accept-language"));
  c.header("content-language", language);
  c.header("vary", "Accept-Language, Cookie", { append: true });
  c.header("cache-control", "private, no-cache");
  const url = new URL(c.req.url);
  return { language, here: url.pathname + url.search };
}

/** `next` as a path of this site (with its query), "/" when absent; null for anything that would leave the site. */
export function sameSitePath(next: unknown, requestUrl: string): string | null {
  if (next === undefined || next === "") return "/";
  if (typeof next !== "string" || next.length > MAX_PATH_LENGTH) return null;
  // "//host" and "/\host" name another site to a browser; URL parsing drops tabs and newlines, which could make one.
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\u0000-\u001f\u007f]/.test(next)) return null;
  const origin = new URL(requestUrl).origin;
  const url = new URL(next, origin);
  return url.origin === origin ? url.pathname + url.search : null;
}

export const languageRoute = new Hono<AppEnv>();

// A form from another site may not change a fan's language (Origin or Sec-Fetch-Site must say this site).
languageRoute.post("/language", csrf(), async (c) => {
  const form = await c.req.parseBody();
  const language = LANGUAGES.find((l) => l === form.lang);
  if (!language) throw new Problem(400, `lang must be one of ${LANGUAGES.join(", ")}`);
  const next = sameSitePath(form.next, c.req.url);
  if (next === null) throw new Problem(400, "next must be a path on this site");
  setCookie(c, LANGUAGE_COOKIE, language, { path: "/", secure: true, sameSite: "Lax", httpOnly: true, maxAge: ONE_YEAR_SECONDS });
  c.header("cache-control", "no-store");
  return c.redirect(next, 303);
});
