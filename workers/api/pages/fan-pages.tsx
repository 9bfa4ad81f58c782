/** @jsxImportSource hono/jsx */
/** The fan's own pages, filled in by their scripts with the fan's token: waiting room, checkout, tickets. */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { botCheckOn } from "../turnstile";
import { OFFLINE_PAGES_WORKER_JS } from "./assets";
import { CHECKOUT_COPY } from "../../../src/shared/page-copy/checkout";
import { PRICES_COPY } from "../../../src/shared/page-copy/prices";
import { QUEUE_COPY } from "../../../src/shared/page-copy/queue";
import { TICKETS_COPY } from "../../../src/shared/page-copy/tickets";
import { pageLanguage } from "./language";
import { Layout } from "./layout";
import { offerMinutes, WaitlistPanel } from "./waitlist-panel";

export const fanPages = new Hono<AppEnv>();

fanPages.get("/events/:eventId{ev_[0-9a-z]+}/queue", async (c) => {
  const eventId = c.req.param("eventId");
  // The bot check runs when the team has set Turnstile keys; locally it is off, and the page says so.
  const siteKey = botCheckOn(c.env) ? (c.env.TURNSTILE_SITE_KEY ?? null) : null;
  const lang = pageLanguage(c);
  const words = QUEUE_COPY[lang.language];
  return c.html(
    <Layout title={words.title} env={c.env} page="queue" data={{ eventId, turnstileSiteKey: siteKey, waitlistOfferMinutes: offerMinutes(c.env) }} lang={lang}>
      <h1>{words.title}</h1>
      <p>{words.intro}</p>
      {siteKey ? <div id="bot-check" class="panel"></div> : <p class="notice">{words.botCheckOff}</p>}
      <dl class="panel" aria-live="polite">
        <dt>{words.status}</dt>
        <dd id="q-state">{words.joining}</dd>
        <dt>{words.position}</dt>
        <dd id="q-position">—</dd>
        <dt>{words.ahead}</dt>
        <dd id="q-ahead">—</dd>
        <dt>{words.wait}</dt>
        <dd id="q-eta">—</dd>
      </dl>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <WaitlistPanel maxQuantity={8} language={lang.language} />
      <p>
        <a href={`/events/${eventId}`}>{words.backToEvent}</a>
      </p>
    </Layout>,
  );
});

fanPages.get("/checkout/:holdId{hd_[0-9a-z_]+}", (c) => {
  const holdId = c.req.param("holdId");
  const simulated = !c.env.STRIPE_SECRET_KEY;
  const lang = pageLanguage(c);
  const words = CHECKOUT_COPY[lang.language];
  return c.html(
    <Layout title={words.title} env={c.env} page="checkout" data={{ holdId, publishableKey: c.env.STRIPE_PUBLISHABLE_KEY ?? null }} lang={lang}>
      <h1>{words.title}</h1>
      <p id="summary"></p>
      <details class="split" id="split-details" open hidden>
        <summary>{PRICES_COPY[lang.language].priceDetails}</summary>
        <dl id="split" class="split-list"></dl>
      </details>
      <p>
        {words.heldFor} <span id="countdown" class="countdown" role="timer"></span>
      </p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <form id="pay" hidden>
        {simulated ? (
          <div id="simulated" class="simulated" hidden>
            <h2>{words.simulatedHeading}</h2>
            <p>{words.simulatedNote}</p>
            <label>
              {words.cardNumber}
              <input name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" />
            </label>
            <button type="submit" name="outcome" value="succeed">
              {words.paySimulated}
            </button>{" "}
            <button type="submit" name="outcome" value="decline" class="secondary">
              {words.decline}
            </button>
          </div>
        ) : (
          <>
            <div id="payment-element"></div>
            <button type="submit">{words.pay}</button>
          </>
        )}
      </form>
      <p>
        <a id="back" href="/" hidden>
          {words.backToMap}
        </a>
      </p>
    </Layout>,
  );
});

// The tickets page's service worker (scope /me/): the page opens at a gate without signal.
fanPages.get("/me/sw.js", (c) =>
  c.body(OFFLINE_PAGES_WORKER_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
);

fanPages.get("/me/tickets", (c) => {
  const lang = pageLanguage(c);
  const words = TICKETS_COPY[lang.language];
  return c.html(
    <Layout title={words.title} env={c.env} page="tickets" lang={lang}>
      <h1>{words.title}</h1>
      <p class="meta">{words.intro}</p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <div id="bookings"></div>
      <section id="orders-panel" aria-labelledby="orders-heading" hidden>
        <h2 id="orders-heading">{words.ordersHeading}</h2>
        <ul id="orders" class="results"></ul>
      </section>
    </Layout>,
  );
});
