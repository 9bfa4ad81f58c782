/** @jsxImportSource hono/jsx */
/**
 * The fan's web app: server-rendered pages (Hono JSX) with small scripts.
 * Search and event pages come from the same cached catalog reads as the API;
 * everything per fan is fetched by the page's script with the fan's token.
 */
import { Hono } from "hono";
import { SearchQuery, EVENT_TYPES, type SearchResponse } from "../../../src/shared/catalog";
import { loadEventDetail, type EventStatic } from "../catalog/event-detail";
import { searchCacheKey, searchEvents } from "../catalog/search";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { ASSETS } from "./assets";
import { Layout, money, when } from "./layout";

export const pages = new Hono<AppEnv>();

pages.get("/assets/:name{[a-z]+\\.js}", (c) => {
  const code = ASSETS[c.req.param("name").replace(/\.js$/, "")];
  if (!code) throw new Problem(404, "no such asset");
  return c.body(code, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" });
});

pages.get("/", async (c) => {
  const params = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const parsed = SearchQuery.safeParse(params);
  const q = parsed.success ? parsed.data : {};
  let found: SearchResponse | undefined;
  if (parsed.success) {
    found = JSON.parse((await cachedText(c, searchCacheKey(q), () => searchEvents(c.var.db(), q))).body) as SearchResponse;
  }
  const more = found?.nextCursor ? `/?${new URLSearchParams({ ...params, cursor: found.nextCursor })}` : undefined;
  c.status(parsed.success ? 200 : 400);
  return c.html(
    <Layout title="Find events" devAuth={c.env.DEV_AUTH === "1"} scripts={["search"]}>
      <h1>Find events</h1>
      <form id="search" class="search" role="search" method="get" action="/">
        <label>
          What
          <input type="search" name="term" value={params.term ?? ""} placeholder="Artist, team, show, venue" />
        </label>
        <label>
          City
          <input type="text" name="location" value={params.location ?? ""} placeholder="e.g. London" autocomplete="address-level2" />
        </label>
        <label>
          Type
          <select name="type">
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option value={t} selected={params.type === t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={params.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" value={params.to ?? ""} />
        </label>
        <button type="submit">Search</button>
        <button type="button" id="near-me" class="secondary" hidden>
          Near me
        </button>
      </form>
      {!parsed.success && (
        <p class="error" role="alert">
          {parsed.error.issues.map((i) => `${i.path.join(".") || "search"}: ${i.message}`).join("; ")}
        </p>
      )}
      {found && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{found.results.length ? (params.term ? `Results for “${params.term}”` : "Upcoming events") : "No events match"}</h2>
          <ol class="results">
            {found.results.map((r) => (
              <li>
                <a href={`/events/${r.id}`}>
                  <strong>{r.name}</strong>
                </a>
                <span class="meta">
                  <time datetime={r.startsAt}>{when(r.startsAt, r.venue.timezone)}</time> · {r.venue.name}, {r.venue.city} · {r.type}
                </span>
                <span>
                  From {money(r.minPriceCents)}
                  {r.available === 0 ? <span class="badge soldout">Sold out</span> : r.available <= 20 ? <span class="badge few">Only {r.available} left</span> : null}
                </span>
              </li>
            ))}
          </ol>
          {more && (
            <p>
              <a class="button secondary" href={more} rel="next">
                More results
              </a>
            </p>
          )}
        </section>
      )}
    </Layout>,
  );
});

pages.get("/events/:eventId{ev_[0-9a-z]+}", async (c) => {
  const eventId = c.req.param("eventId");
  let detail: EventStatic;
  try {
    detail = JSON.parse((await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.db(), eventId))).body) as EventStatic;
  } catch (error) {
    if (error instanceof Problem && error.status === 404) {
      return c.html(
        <Layout title="Not found" devAuth={c.env.DEV_AUTH === "1"}>
          <h1>Event not found</h1>
          <p>
            <a href="/">Search for events</a>
          </p>
        </Layout>,
        404,
      );
    }
    throw error;
  }
  const tz = detail.venue.timezone;
  const data = {
    eventId,
    seatMap: detail.venue.seatMap,
    prices: detail.prices,
    currency: detail.currency,
    perUserLimit: detail.perUserLimit,
    queueEnabled: detail.queue.enabled,
  };
  return c.html(
    <Layout title={detail.name} devAuth={c.env.DEV_AUTH === "1"} scripts={["event"]} data={data}>
      <h1>{detail.name}</h1>
      <p class="meta">
        <time datetime={detail.startsAt}>{when(detail.startsAt, tz)}</time> · {detail.venue.name}, {detail.venue.city} · {detail.performer.name} · {detail.type}
      </p>
      {detail.description && <p>{detail.description}</p>}
      {detail.queue.enabled && (
        <p class="notice">
          This on-sale uses a waiting room. <a href={`/events/${eventId}/queue`}>Join the waiting room</a> to get your turn to choose seats.
        </p>
      )}
      <div class="layout-event">
        <section aria-labelledby="map-heading">
          <h2 id="map-heading">Seat map</h2>
          <p id="map-status" class="meta" aria-live="polite">
            Loading the live seat map…
          </p>
          <ul class="legend" aria-label="Legend">
            <li>
              <span class="dot" style="background:var(--available)"></span>Available
            </li>
            <li>
              <span class="dot" style="background:var(--held)"></span>Held
            </li>
            <li>
              <span class="dot" style="background:var(--sold)"></span>Sold
            </li>
            <li>
              <span class="dot" style="background:var(--mine)"></span>Yours
            </li>
          </ul>
          <button type="button" id="overview" class="secondary" hidden>
            Back to all sections
          </button>
          <div class="map-scroll">
            <svg id="seatmap" class="seatmap" role="group" aria-label={`Seats at ${detail.venue.name}`} viewBox={`0 0 ${detail.venue.seatMap.width} ${detail.venue.seatMap.height}`} />
          </div>
          <h3>Prices</h3>
          <ul>
            {detail.prices.map((p) => (
              <li>
                {p.section}: {money(p.minCents, detail.currency)}
              </li>
            ))}
          </ul>
        </section>
        <aside class="panel" aria-labelledby="choose-heading">
          <h2 id="choose-heading">Your seats</h2>
          <form id="best">
            <fieldset>
              <legend>Best available</legend>
              <label>
                How many
                <select id="best-count" name="count">
                  {Array.from({ length: Math.min(8, detail.perUserLimit) }, (_, i) => (
                    <option value={String(i + 1)} selected={i === 1}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Section
                <select id="best-section" name="section">
                  <option value="">Any section</option>
                  {detail.prices.map((p) => (
                    <option value={p.section}>
                      {p.section} ({money(p.minCents, detail.currency)})
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" class="secondary">
                Find seats together
              </button>
            </fieldset>
          </form>
          <p id="picked-total" aria-live="polite"></p>
          <ul id="picked"></ul>
          <button type="button" id="hold" disabled>
            Hold these seats
          </button>
          <p id="message" hidden role="status"></p>
          <div id="hold-panel" class="notice" hidden>
            <p id="hold-seats"></p>
            <p>
              Held for <span id="hold-countdown" class="countdown" role="timer"></span>
            </p>
            <a id="checkout" class="button" href="#">
              Go to checkout
            </a>{" "}
            <button type="button" id="release" class="secondary">
              Release
            </button>
          </div>
        </aside>
      </div>
    </Layout>,
  );
});

pages.get("/events/:eventId{ev_[0-9a-z]+}/queue", async (c) => {
  const eventId = c.req.param("eventId");
  return c.html(
    <Layout title="Waiting room" devAuth={c.env.DEV_AUTH === "1"} scripts={["queue"]} data={{ eventId }}>
      <h1>Waiting room</h1>
      <p>Fans are let in a batch at a time, so everyone gets a fair chance at the seats. Keep this page open.</p>
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
      <p id="message" hidden role="status"></p>
      <p>
        <a href={`/events/${eventId}`}>Back to the event</a>
      </p>
    </Layout>,
  );
});

pages.get("/checkout/:holdId{hd_[0-9a-z_]+}", (c) => {
  const holdId = c.req.param("holdId");
  const simulated = !c.env.STRIPE_SECRET_KEY;
  return c.html(
    <Layout title="Checkout" devAuth={c.env.DEV_AUTH === "1"} scripts={["checkout"]} data={{ holdId, publishableKey: c.env.STRIPE_PUBLISHABLE_KEY ?? null }}>
      <h1>Checkout</h1>
      <p id="summary"></p>
      <p>
        Your seats are held for <span id="countdown" class="countdown" role="timer"></span>
      </p>
      <p id="message" hidden role="status"></p>
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

pages.get("/me/tickets", (c) =>
  c.html(
    <Layout title="My tickets" devAuth={c.env.DEV_AUTH === "1"} scripts={["tickets"]}>
      <h1>My tickets</h1>
      <p id="message" hidden role="status"></p>
      <div id="bookings"></div>
    </Layout>,
  ),
);

pages.get("/organizer", (c) =>
  c.html(
    <Layout title="Organizer" devAuth={c.env.DEV_AUTH === "1"} scripts={["organizer"]}>
      <h1>Organizer</h1>
      <p id="message" hidden role="status"></p>
      <form id="performer-form">
        <fieldset>
          <legend>1. Performer</legend>
          <label>
            Name <input name="name" required />
          </label>
          <label>
            Genre <input name="genre" />
          </label>
          <button type="submit">Create performer</button>
        </fieldset>
      </form>
      <form id="venue-form">
        <fieldset>
          <legend>2. Venue from a template</legend>
          <label>
            Name <input name="name" required />
          </label>
          <label>
            City <input name="city" required />
          </label>
          <label>
            Country <input name="country" required value="GB" />
          </label>
          <label>
            Latitude <input name="lat" required inputmode="decimal" value="51.5074" />
          </label>
          <label>
            Longitude <input name="lng" required inputmode="decimal" value="-0.1278" />
          </label>
          <label>
            Time zone <input name="timezone" value="Europe/London" />
          </label>
          <label>
            Layout
            <select name="template">
              <option value="club">Club (standing + balcony)</option>
              <option value="theater">Theater (orchestra, mezzanine, balcony)</option>
              <option value="arena">Arena (floor + 8 sections)</option>
              <option value="stadium">Stadium (90,000 seats)</option>
            </select>
          </label>
          <button type="submit">Create venue</button>
        </fieldset>
      </form>
      <form id="event-form">
        <fieldset>
          <legend>3. Event</legend>
          <label>
            Name <input name="name" required />
          </label>
          <label>
            Type
            <select name="type">
              {EVENT_TYPES.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </label>
          <label>
            Starts <input type="datetime-local" name="startsAt" required />
          </label>
          <label>
            On sale from <input type="datetime-local" name="onSaleAt" />
          </label>
          <label>
            Venue id <input id="event-venue" name="venueId" required />
          </label>
          <label>
            Performer id <input id="event-performer" name="performerId" required />
          </label>
          <label>
            Price of every section <input name="price" required inputmode="decimal" value="45.00" />
          </label>
          <button type="submit">Create event</button>
        </fieldset>
      </form>
      <form id="queue-form">
        <fieldset>
          <legend>4. Waiting room</legend>
          <label>
            Event id <input id="queue-event" name="eventId" required />
          </label>
          <label>
            Fans admitted per tick <input name="batchSize" inputmode="numeric" value="100" />
          </label>
          <label>
            <span>
              <input type="checkbox" name="enabled" checked /> Waiting room on
            </span>
          </label>
          <button type="submit">Save</button>
        </fieldset>
      </form>
    </Layout>,
  ),
);
