/** @jsxImportSource hono/jsx */
/** The fan's own pages, filled in by their scripts with the fan's token: waiting room, checkout, tickets. */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { botCheckOn } from "../turnstile";
import { OFFLINE_PAGES_WORKER_JS } from "./assets";
import { Layout } from "./layout";
import { offerMinutes, WaitlistPanel } from "./waitlist-panel";

export const fanPages = new Hono<AppEnv>();

fanPages.get("/events/:eventId{ev_[0-9a-z]+}/queue", async (c) => {
  const eventId = c.req.param("eventId");
  // The bot check runs when the team has set Turnstile keys; locally it is off, and the page says so.
  const siteKey = botCheckOn(c.env) ? (c.env.TURNSTILE_SITE_KEY ?? null) : null;
  return c.html(
    <Layout title="Waiting room" env={c.env} page="queue" data={{ eventId, turnstileSiteKey: siteKey, waitlistOfferMinutes: offerMinutes(c.env) }}>
      <h1>Waiting room</h1>
      <p>Fans are let in a batch at a time, so everyone gets a fair chance at the seats. Keep this page open.</p>
      {siteKey ? <div id="bot-check" class="panel"></div> : <p class="notice">The bot check is off on this server (no Turnstile key set).</p>}
      <dl class="panel" aria-live="polite">
        <dt>Status</dt>
        <dd id="q-state">Joining…</dd>
        <dt>Your position</dt>
        <dd id="q-position">—</dd>
        <dt>People ahead of you</dt>
        <dd id="q-ahead">—</dd>
        <dt>Estimated wait</dt>
        <dd id="q-eta">—</dd>
      </dl>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <WaitlistPanel maxQuantity={8} />
      <p>
        <a href={`/events/${eventId}`}>Back to the event</a>
      </p>
    </Layout>,
  );
});

fanPages.get("/checkout/:holdId{hd_[0-9a-z_]+}", (c) => {
  const holdId = c.req.param("holdId");
  const simulated = !c.env.STRIPE_SECRET_KEY;
  return c.html(
    <Layout title="Checkout" env={c.env} page="checkout" data={{ holdId, publishableKey: c.env.STRIPE_PUBLISHABLE_KEY ?? null }}>
      <h1>Checkout</h1>
      <p id="summary"></p>
      <p>
        Your seats are held for <span id="countdown" class="countdown" role="timer"></span>
      </p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <form id="pay" hidden>
        {simulated ? (
          <div id="simulated" class="simulated" hidden>
            <h2>Simulated card — no real payment</h2>
            <p>This server has no Stripe keys: payments are simulated. No card is charged.</p>
            <label>
              Card number (simulated)
              <input name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242" />
            </label>
            <button type="submit" name="outcome" value="succeed">
              Pay (simulated)
            </button>{" "}
            <button type="submit" name="outcome" value="decline" class="secondary">
              Simulate a declined card
            </button>
          </div>
        ) : (
          <>
            <div id="payment-element"></div>
            <button type="submit">Pay</button>
          </>
        )}
      </form>
      <p>
        <a id="back" href="/" hidden>
          Back to the seat map
        </a>
      </p>
    </Layout>,
  );
});

// The tickets page's service worker (scope /me/): the page opens at a gate without signal.
fanPages.get("/me/sw.js", (c) =>
  c.body(OFFLINE_PAGES_WORKER_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
);

fanPages.get("/me/tickets", (c) =>
  c.html(
    <Layout title="My tickets" env={c.env} page="tickets">
      <h1>My tickets</h1>
      <p class="meta">Show the code at the door. It changes every 30 seconds, so a screenshot or a copy does not get in; open this page once before you go and it works without network.</p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <div id="bookings"></div>
      <section id="orders-panel" aria-labelledby="orders-heading" hidden>
        <h2 id="orders-heading">Your orders</h2>
        <ul id="orders" class="results"></ul>
      </section>
    </Layout>,
  ),
);
