/** @jsxImportSource hono/jsx */
/** The waitlist panel of the event page and the waiting room, filled in by src/client/waitlist/panel.ts, part of both pages' scripts (/assets/event.js, /assets/queue.js); hidden until something is sold out or the fan is on the list. */
import type { Language } from "../../../src/shared/language";
import { WAITLIST_COPY } from "../../../src/shared/page-copy/waitlist";

export function WaitlistPanel({ maxQuantity, language = "en" }: { maxQuantity: number; language?: Language }) {
  const words = WAITLIST_COPY[language];
  return (
    <section id="waitlist" class="notice" aria-labelledby="waitlist-heading" hidden>
      <h2 id="waitlist-heading">{words.heading}</h2>
      <form id="waitlist-join" hidden>
        <p id="waitlist-why"></p>
        <label>
          {words.howMany}
          <select id="waitlist-quantity" name="quantity">
            {Array.from({ length: Math.max(1, Math.min(8, maxQuantity)) }, (_, i) => (
              <option value={String(i + 1)} selected={i === 1 || (maxQuantity === 1 && i === 0)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label id="waitlist-section-label">
          {words.section}
          <select id="waitlist-section" name="section"></select>
        </label>
        <button type="submit">{words.join}</button>
      </form>
      <div id="waitlist-status" hidden>
        <p id="waitlist-state" aria-live="polite"></p>
        <div id="waitlist-offer" hidden>
          <p>
            {words.payWithin} <span id="waitlist-countdown" class="countdown" role="timer"></span>
          </p>
          <a id="waitlist-pay" class="button" href="#">
            {words.pay}
          </a>
        </div>
        <button type="button" id="waitlist-leave" class="secondary">
          {words.leave}
        </button>
      </div>
      <p id="waitlist-message" hidden role="status"></p>
    </section>
  );
}

/** WAITLIST_OFFER_SECONDS in whole minutes, for the page's words. */
export function offerMinutes(env: Env): number {
  const seconds = Number(env.WAITLIST_OFFER_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(1, Math.round(seconds / 60)) : 15;
}
