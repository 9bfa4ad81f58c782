/** @jsxImportSource hono/jsx */
/** The waitlist panel of the event page and the waiting room, filled in by src/client/waitlist/panel.ts, part of both pages' scripts (/assets/event.js, /assets/queue.js); hidden until something is sold out or the fan is on the list. */

export function WaitlistPanel({ maxQuantity }: { maxQuantity: number }) {
  return (
    <section id="waitlist" class="notice" aria-labelledby="waitlist-heading" hidden>
      <h2 id="waitlist-heading">Waitlist</h2>
      <form id="waitlist-join" hidden>
        <p id="waitlist-why"></p>
        <label>
          How many
          <select id="waitlist-quantity" name="quantity">
            {Array.from({ length: Math.max(1, Math.min(8, maxQuantity)) }, (_, i) => (
              <option value={String(i + 1)} selected={i === 1 || (maxQuantity === 1 && i === 0)}>
                {i + 1}
              </option>
            ))}
          </select>
        </label>
        <label id="waitlist-section-label">
          Section
          <select id="waitlist-section" name="section"></select>
        </label>
        <button type="submit">Join the waitlist</button>
      </form>
      <div id="waitlist-status" hidden>
        <p id="waitlist-state" aria-live="polite"></p>
        <div id="waitlist-offer" hidden>
          <p>
            Pay within <span id="waitlist-countdown" class="countdown" role="timer"></span>, or they go to the next fan.
          </p>
          <a id="waitlist-pay" class="button" href="#">
            Pay for these seats
          </a>
        </div>
        <button type="button" id="waitlist-leave" class="secondary">
          Leave the waitlist
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
