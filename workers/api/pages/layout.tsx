/** @jsxImportSource hono/jsx */
/**
 * The frame of every page: header with navigation and the account widget,
 * the main landmark, and the shared client script. Pages are server-rendered;
 * anything per-fan (holds, tickets) is filled in by small client scripts
 * with the fan's token, so a page differs between fans only by its language
 * (pages/language.ts, docs/languages.md).
 */
import type { Child } from "hono/jsx";
import { formatEventTime, formatMoney, LANGUAGE_NAMES, LANGUAGES, type Language } from "../../../src/shared/language";
import { SHELL_COPY } from "../../../src/shared/page-copy/shell";
import { ASSET_VERSION } from "./assets";
import type { PageLanguage } from "./language";
import { STYLES } from "./styles";

/** The settings the frame shows: demo accounts (DEV_AUTH=1) and where "Sign in" goes (SIGN_IN_URL). */
type AccountSettings = Pick<Env, "DEV_AUTH" | "SIGN_IN_URL">;

/**
 * `page` names the page's script, bundled from src/client/pages/<page>.ts;
 * every one draws the account widget, and a page with nothing else to run
 * gets `app`, which only does that. A fan's page passes `lang`
 * (pages/language.ts): the frame is in that language, `<html lang>` says it
 * (the page's script reads it), and the header offers the other languages.
 * Pages without it (organizer, door, operations) are in English.
 */
export function Layout(props: { title: string; env: AccountSettings; children: Child; page?: string; data?: unknown; lang?: PageLanguage }) {
  const language = props.lang?.language ?? "en";
  const words = SHELL_COPY[language];
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{words.documentTitle({ title: props.title })}</title>
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
      </head>
      <body data-dev-auth={props.env.DEV_AUTH === "1" ? "1" : "0"} data-sign-in-url={props.env.SIGN_IN_URL || undefined}>
        <header class="site">
          <a class="brand" href="/">
            Edge Tickets
          </a>
          <nav aria-label={words.mainNavigation}>
            <a href="/">{words.search}</a>
            <a href="/me/tickets">{words.myTickets}</a>
            <a href="/organizer">{words.organizer}</a>
          </nav>
          {props.lang && <LanguageSwitcher {...props.lang} label={words.language} />}
          <div id="account" aria-live="polite"></div>
        </header>
        <main id="main">{props.children}</main>
        {props.data !== undefined && (
          <script type="application/json" id="page-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(props.data).replaceAll("<", "\\u003c") }} />
        )}
        <script src={`/assets/${props.page ?? "app"}.js?v=${ASSET_VERSION}`} />
      </body>
    </html>
  );
}

/**
 * The languages a fan can read the site in: a form that posts the choice to
 * /language (pages/language.ts), which remembers it in a cookie and brings
 * the fan back here. It works without the page's script. Each language is
 * named in itself, marked with its `lang` for screen readers.
 */
function LanguageSwitcher(props: PageLanguage & { label: string }) {
  return (
    <form class="languages" method="post" action="/language">
      <input type="hidden" name="next" value={props.here} />
      <div role="group" aria-label={props.label}>
        {LANGUAGES.map((l) =>
          l === props.language ? (
            <span lang={l} aria-current="true">
              {LANGUAGE_NAMES[l]}
            </span>
          ) : (
            <button type="submit" name="lang" value={l} lang={l} class="link">
              {LANGUAGE_NAMES[l]}
            </button>
          ),
        )}
      </div>
    </form>
  );
}

/** Money in the event's currency (an amount in its minor unit), written the page language's way. */
export const money = (cents: number, currency = "usd", language: Language = "en") => formatMoney(cents, currency, language);

/** When an event starts, in its venue's time zone (named), written the page language's way. */
export const when = (iso: string, timeZone: string, language: Language = "en") => formatEventTime(iso, timeZone, language);
