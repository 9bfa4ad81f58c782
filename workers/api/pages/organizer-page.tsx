/** @jsxImportSource hono/jsx */
/**
 * `/organizer`: the org's events (each linking to its dashboard), then forms
 * for a performer, a venue from a template, an event and its waiting room.
 */
import { Hono } from "hono";
import { EVENT_TYPES } from "../../../src/shared/catalog";
import type { AppEnv } from "../env";
import { Layout } from "./layout";

export const organizerPage = new Hono<AppEnv>();

organizerPage.get("/organizer", (c) =>
  c.html(
    <Layout title="Organizer" env={c.env} page="organizer">
      <h1>Organizer</h1>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Your events</h2>
        <p id="events-status" hidden role="status"></p>
        <ol id="org-events" class="results"></ol>
        <button type="button" id="more-events" class="secondary" hidden>
          Show more events
        </button>
      </section>
      <h2>Create</h2>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
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
          <fieldset>
            <legend>Service fee and tax per ticket (optional)</legend>
            <p class="meta">Fans pay the price, plus the fee, plus tax on both; every price they see is that total. Empty means none; the event's dashboard changes them later.</p>
            <label>
              Service fee, fixed amount (USD) <input name="feeFixed" inputmode="decimal" autocomplete="off" placeholder="0.00" />
            </label>
            <label>
              Service fee, percent of the price <input name="feePercent" inputmode="decimal" autocomplete="off" placeholder="0" />
            </label>
            <label>
              Tax rate, percent of price and fee <input name="taxRate" inputmode="decimal" autocomplete="off" placeholder="0" />
            </label>
          </fieldset>
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
