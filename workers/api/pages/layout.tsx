/** @jsxImportSource hono/jsx */
/**
 * The frame of every page: header with navigation and the account widget,
 * the main landmark, and the shared client script. Pages are server-rendered;
 * anything per-fan (holds, tickets) is filled in by small client scripts
 * with the fan's token, so the pages themselves can be cached.
 */
import type { Child } from "hono/jsx";
import { ASSET_VERSION } from "./assets";
import { STYLES } from "./styles";

/** The settings the frame shows: demo accounts (DEV_AUTH=1) and where "Sign in" goes (SIGN_IN_URL). */
type AccountSettings = Pick<Env, "DEV_AUTH" | "SIGN_IN_URL">;

/**
 * `page` names the page's script, bundled from src/client/pages/<page>.ts;
 * every one draws the account widget, and a page with nothing else to run
 * gets `app`, which only does that.
 */
export function Layout(props: { title: string; env: AccountSettings; children: Child; page?: string; data?: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Edge Tickets`}</title>
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
      </head>
      <body data-dev-auth={props.env.DEV_AUTH === "1" ? "1" : "0"} data-sign-in-url={props.env.SIGN_IN_URL || undefined}>
        <header class="site">
          <a class="brand" href="/">
            Edge Tickets
          </a>
          <nav aria-label="Main">
            <a href="/">Search</a>
            <a href="/me/tickets">My tickets</a>
            <a href="/organizer">Organizer</a>
          </nav>
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

export const money = (cents: number, currency = "usd") =>
  new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);

export const when = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
