/** @jsxImportSource hono/jsx */
/** `/events/:id`: the event with its live seat map (drawn by src/client/pages/event.ts). */
import { Hono } from "hono";
import { loadEventDetail, seatMapVersion, type EventStatic } from "../catalog/event-detail";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { EVENT_COPY } from "../../../src/shared/page-copy/event";
import { PRICES_COPY } from "../../../src/shared/page-copy/prices";
import { chargeFor, hasFees } from "../../../src/shared/pricing";
import { SEARCH_COPY } from "../../../src/shared/page-copy/search";
import { pageLanguage } from "./language";
import { EventImage } from "./event-image";
import { Layout, money, when } from "./layout";
import { HeatLegend, SeatLegend } from "./seat-legend";
import { offerMinutes, WaitlistPanel } from "./waitlist-panel";

export const eventPage = new Hono<AppEnv>();

eventPage.get("/events/:eventId{ev_[0-9a-z]+}", async (c) => {
  const eventId = c.req.param("eventId");
  const lang = pageLanguage(c);
  const { language } = lang;
  const words = EVENT_COPY[language];
  const priceWords = PRICES_COPY[language];
  let detail: EventStatic;
  try {
    detail = JSON.parse((await cachedText(c, `events/${eventId}`, () => loadEventDetail(c.var.read(), eventId))).body) as EventStatic;
  } catch (error) {
    if (error instanceof Problem && error.status === 404) {
      return c.html(
        <Layout title={words.notFoundTitle} env={c.env} lang={lang}>
          <h1>{words.notFound}</h1>
          <p>
            <a href="/">{words.searchForEvents}</a>
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
      <Layout title={words.cancelledTitle({ name: detail.name })} env={c.env} lang={lang}>
        <h1>{detail.name}</h1>
        <p class="meta">
          <time datetime={detail.startsAt}>{when(detail.startsAt, tz, language)}</time> · {detail.venue.name}, {detail.venue.city} · {detail.performer.name}
        </p>
        <p class="notice" role="status">
          {words.cancelled} <a href="/me/tickets">{words.yourTickets}</a>
        </p>
      </Layout>,
    );
  }
  const data = {
    eventId,
    seatMapUrl: `/api/events/${eventId}/seat-map?v=${seatMapVersion(detail)}`,
    prices: detail.prices,
    currency: detail.currency,
    perUserLimit: detail.perUserLimit,
    queueEnabled: detail.queue.enabled,
    waitlistOfferMinutes: offerMinutes(c.env),
  };
  return c.html(
    <Layout title={detail.name} env={c.env} page="event" data={data} lang={lang}>
      <h1>{detail.name}</h1>
      <p class="meta">
        <time datetime={detail.startsAt}>{when(detail.startsAt, tz, language)}</time> · {detail.venue.name}, {detail.venue.city} · {detail.performer.name} ·{" "}
        {SEARCH_COPY[language].eventTypes[detail.type]}
      </p>
      <EventImage url={detail.imageUrl} place="banner" env={c.env} eager />
      {detail.description && <p>{detail.description}</p>}
      {detail.queue.enabled && (
        <p class="notice">
          {words.waitingRoom} <a href={`/events/${eventId}/queue`}>{words.joinWaitingRoom}</a>
        </p>
      )}
      <div class="layout-event">
        <section aria-labelledby="map-heading">
          <h2 id="map-heading">{words.mapHeading}</h2>
          <p id="map-status" class="meta" aria-live="polite">
            {words.loadingMap}
          </p>
          <div class="venue-map">
            <svg
              id="seatmap"
              class="seatmap"
              role="group"
              tabindex={0}
              aria-label={words.seatsAt({ venue: detail.venue.name })}
              aria-describedby="map-help"
              viewBox={`0 0 ${detail.venue.seatMap.width} ${detail.venue.seatMap.height}`}
              style={`aspect-ratio: ${detail.venue.seatMap.width} / ${detail.venue.seatMap.height}`}
            />
            <div class="map-tools">
              <button type="button" id="zoom-in" class="secondary" aria-label={words.zoomIn}>
                +
              </button>
              <button type="button" id="zoom-out" class="secondary" aria-label={words.zoomOut}>
                −
              </button>
            </div>
          </div>
          <button type="button" id="overview" class="secondary" hidden>
            {words.wholeVenue}
          </button>
          <HeatLegend label={words.heatLegend} names={words.heat} />
          <SeatLegend names={words.statuses} picked={words.yours} label={words.legend} />
          <ul class="legend" aria-label={words.accessibleLegend}>
            <li>
              <span class="legend-icon" aria-hidden="true">
                ♿
              </span>
              {words.wheelchairSpace}
            </li>
            <li>
              <span class="dot companion-dot" aria-hidden="true"></span>
              {words.companionSeat}
            </li>
          </ul>
          <p id="map-help" class="meta">
            {words.mapHelp}
          </p>
          <details class="prices">
            <summary>{words.pricesBySection}</summary>
            {hasFees(detail.fees) ? <p class="meta">{priceWords.allIn}</p> : null}
            <ul>
              {detail.prices.map((p) => {
                const cheapest = chargeFor(p.faceMinCents, detail.fees);
                const cash = (cents: number) => money(cents, detail.currency, language);
                return (
                  <li>
                    {words.sectionPrice({
                      section: p.section,
                      price: p.maxCents > p.minCents ? words.priceRange({ from: cash(p.minCents), to: cash(p.maxCents) }) : cash(p.minCents),
                    })}
                    {hasFees(detail.fees) ? (
                      <span class="meta split">
                        {priceWords.sectionSplit({ section: p.section, face: cash(cheapest.faceCents), fee: cash(cheapest.feeCents), tax: cash(cheapest.taxCents), total: cash(cheapest.totalCents) })}
                      </span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          </details>
        </section>
        <aside class="panel" aria-labelledby="choose-heading">
          <h2 id="choose-heading">{words.yourSeats}</h2>
          <form id="best">
            <fieldset>
              <legend>{words.bestAvailable}</legend>
              <label>
                {words.howMany}
                <select id="best-count" name="count">
                  {Array.from({ length: Math.min(8, detail.perUserLimit) }, (_, i) => (
                    <option value={String(i + 1)} selected={i === 1}>
                      {i + 1}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {words.section}
                <select id="best-section" name="section">
                  <option value="">{words.anySection}</option>
                  {detail.prices.map((p) => (
                    <option value={p.section}>{words.sectionOption({ section: p.section, price: money(p.minCents, detail.currency, language) })}</option>
                  ))}
                </select>
              </label>
              <label class="check">
                <input type="checkbox" id="best-accessible" name="accessible" value="true" />
                {words.accessibleOnly}
              </label>
              <button type="submit" class="secondary">
                {words.findTogether}
              </button>
            </fieldset>
          </form>
          <p id="picked-total" aria-live="polite"></p>
          <ul id="picked"></ul>
          {detail.onSaleAt && Date.parse(detail.onSaleAt) > Date.now() ? (
            <p class="notice" id="presale-note">
              {priceWords.presale({ when: when(detail.onSaleAt, tz, language) })}
            </p>
          ) : null}
          <label class="code-field">
            {priceWords.codeLabel}
            <input id="code" name="code" autocomplete="off" spellcheck={false} maxlength={40} pattern="[A-Za-z0-9][A-Za-z0-9_\-]{2,39}" aria-describedby="code-help" />
          </label>
          <p id="code-help" class="meta">
            {priceWords.codeHelp}
          </p>
          <button type="button" id="hold" disabled>
            {words.holdSeats}
          </button>
          <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
          <div id="hold-panel" class="notice" hidden>
            <p id="hold-seats"></p>
            <p id="hold-code" hidden></p>
            <details class="split">
              <summary>{priceWords.priceDetails}</summary>
              <dl id="hold-split" class="split-list"></dl>
            </details>
            <p>
              {words.heldFor} <span id="hold-countdown" class="countdown" role="timer"></span>
            </p>
            <a id="checkout" class="button" href="#">
              {words.goToCheckout}
            </a>{" "}
            <button type="button" id="release" class="secondary">
              {words.release}
            </button>
          </div>
          <WaitlistPanel maxQuantity={detail.perUserLimit} language={language} />
        </aside>
      </div>
    </Layout>,
  );
});
