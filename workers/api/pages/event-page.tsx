/** @jsxImportSource hono/jsx */
/** `/events/:id`: the event with its live seat map (drawn by src/client/pages/event.ts). */
import { Hono } from "hono";
import { loadEventDetail, type EventStatic } from "../catalog/event-detail";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { Layout, money, when } from "./layout";
import { HeatLegend, SeatLegend } from "./seat-legend";
import { offerMinutes, WaitlistPanel } from "./waitlist-panel";

export const eventPage = new Hono<AppEnv>();

eventPage.get("/events/:eventId{ev_[0-9a-z]+}", async (c) => {
  const eventId = c.req.param("eventId");
  let detail: EventStatic;
  try {
    detail = JSON.parse((await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.read(), eventId))).body) as EventStatic;
  } catch (error) {
    if (error instanceof Problem && error.status === 404) {
      return c.html(
        <Layout title="Not found" env={c.env}>
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
  if (detail.status === "cancelled") {
    // A cancelled event offers no seats: no map, no hold, no waiting room.
    return c.html(
      <Layout title={`${detail.name} (cancelled)`} env={c.env}>
        <h1>{detail.name}</h1>
        <p class="meta">
          <time datetime={detail.startsAt}>{when(detail.startsAt, tz)}</time> · {detail.venue.name}, {detail.venue.city} · {detail.performer.name}
        </p>
        <p class="notice" role="status">
          This event has been cancelled. No tickets are sold; every booking is refunded to the card that paid for it. <a href="/me/tickets">Your tickets</a>
        </p>
      </Layout>,
    );
  }
  const data = {
    eventId,
    seatMap: detail.venue.seatMap,
    prices: detail.prices,
    currency: detail.currency,
    perUserLimit: detail.perUserLimit,
    queueEnabled: detail.queue.enabled,
    waitlistOfferMinutes: offerMinutes(c.env),
  };
  return c.html(
    <Layout title={detail.name} env={c.env} page="event" data={data}>
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
          <div class="venue-map">
            <svg
              id="seatmap"
              class="seatmap"
              role="group"
              tabindex={0}
              aria-label={`Seats at ${detail.venue.name}`}
              aria-describedby="map-help"
              viewBox={`0 0 ${detail.venue.seatMap.width} ${detail.venue.seatMap.height}`}
              style={`aspect-ratio: ${detail.venue.seatMap.width} / ${detail.venue.seatMap.height}`}
            />
            <div class="map-tools">
              <button type="button" id="zoom-in" class="secondary" aria-label="Zoom in">
                +
              </button>
              <button type="button" id="zoom-out" class="secondary" aria-label="Zoom out">
                −
              </button>
            </div>
          </div>
          <button type="button" id="overview" class="secondary" hidden>
            Show the whole venue
          </button>
          <HeatLegend />
          <SeatLegend names={{ available: "Available", held: "Held", sold: "Sold", blocked: "Not on sale" }} picked="Yours" />
          <ul class="legend" aria-label="Accessible seats">
            <li>
              <span class="legend-icon" aria-hidden="true">
                ♿
              </span>
              Wheelchair space
            </li>
            <li>
              <span class="dot companion-dot" aria-hidden="true"></span>Companion seat
            </li>
          </ul>
          <p id="map-help" class="meta">
            Choose a section to see its seats. Zoom with the buttons, the mouse wheel or two fingers; drag to move; with the map focused, arrow keys move and + and − zoom.
          </p>
          <details class="prices">
            <summary>Prices by section</summary>
            <ul>
              {detail.prices.map((p) => (
                <li>
                  {p.section}: {p.maxCents > p.minCents ? `${money(p.minCents, detail.currency)}–${money(p.maxCents, detail.currency)}` : money(p.minCents, detail.currency)}
                </li>
              ))}
            </ul>
          </details>
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
              <label class="check">
                <input type="checkbox" id="best-accessible" name="accessible" value="true" />
                Accessible seats: a wheelchair space, with companion seats
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
          <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
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
          <WaitlistPanel maxQuantity={detail.perUserLimit} />
        </aside>
      </div>
    </Layout>,
  );
});
