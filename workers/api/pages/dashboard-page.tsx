/** @jsxImportSource hono/jsx */
/**
 * `/organizer/events/:eventId`: an event's dashboard for its organizers.
 * The page is the same for everyone (so nothing of the org is in it); its
 * script (/assets/dashboard.js, from src/client/pages/dashboard.ts) fills it
 * with the organizer's token: the report, chart and downloads, bookings and
 * refunds, blocks on the seat map, the event's image, its fees and codes, and
 * cancellation, one module each in
 * src/client/dashboard/. Another org's event reads as not found, as in the API.
 */
import { Hono } from "hono";
import { BOOKING_STATUSES } from "../../../src/shared/db-schema";
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from "../../../src/shared/image-urls";
import { IMAGE_LIMITS } from "../images/image-format";
import type { AppEnv } from "../env";
import { Layout } from "./layout";
import { SeatLegend } from "./seat-legend";

export const dashboardPage = new Hono<AppEnv>();

dashboardPage.get("/organizer/events/:eventId{ev_[0-9a-z]+}", (c) =>
  c.html(
    <Layout title="Event dashboard" env={c.env} page="dashboard" data={{ eventId: c.req.param("eventId") }}>
      <p>
        <a href="/organizer">All your events</a> · <a href={`/organizer/events/${c.req.param("eventId")}/live`}>Live operations view</a>
      </p>
      <h1 id="event-name">Event dashboard</h1>
      <p id="event-meta" class="meta"></p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <div id="dashboard" class="dashboard" hidden>
        <section class="panel" aria-labelledby="report-heading">
          <h2 id="report-heading">Sales</h2>
          <dl id="figures" class="figures"></dl>
          <h3 id="money-split-heading">What fans paid for the tickets still valid</h3>
          <dl id="money-split" class="figures"></dl>
          <figure class="chart">
            <div id="sales-chart" class="chart-box"></div>
            <figcaption class="meta">Money charged by bookings, before refunds, by the hour (or day) they were made.</figcaption>
          </figure>
          <div class="ops-scroll" tabindex={0} role="region" aria-label="Tickets by section, scrollable">
            <table id="by-section">
              <caption>Tickets by section</caption>
              <thead>
                <tr>
                  <th scope="col">Section</th>
                  <th scope="col">Places</th>
                  <th scope="col">Sold</th>
                  <th scope="col">Refunded</th>
                  <th scope="col">Sold for</th>
                </tr>
              </thead>
              <tbody></tbody>
            </table>
          </div>
          <div class="actions">
            <button type="button" id="download-orders" class="secondary">
              Download orders (CSV)
            </button>
            <button type="button" id="download-attendees" class="secondary">
              Download attendees (CSV)
            </button>
          </div>
          <p id="report-message" role="status" hidden></p>
        </section>

        <section class="panel" aria-labelledby="bookings-heading">
          <h2 id="bookings-heading">Bookings</h2>
          <label>
            Show
            <select id="booking-status">
              <option value="">every booking</option>
              {BOOKING_STATUSES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <p id="bookings-message" role="status" hidden></p>
          <ol id="bookings" class="results"></ol>
          <button type="button" id="more-bookings" class="secondary" hidden>
            Show more bookings
          </button>
        </section>

        <section class="panel" aria-labelledby="blocks-heading">
          <h2 id="blocks-heading">Seats off sale</h2>
          <p class="meta">Choose available seats on the map (click, or Tab to a seat and press Enter), give a reason and block them: they leave the sale until you release the block.</p>
          <SeatLegend names={{ available: "Available", held: "Held", sold: "Sold", blocked: "Blocked" }} picked="Chosen" />
          <button type="button" id="block-overview" class="secondary" hidden>
            Back to all sections
          </button>
          <div class="map-scroll">
            <svg id="blockmap" class="seatmap" role="group" aria-label="Seat map for blocking seats" viewBox="0 0 10 10" />
          </div>
          <form id="block-form">
            <p id="block-picked" class="meta">
              No seats chosen.
            </p>
            <div id="ga-fields" class="inline-fields" hidden>
              <label>
                General admission section <select id="ga-section"></select>
              </label>
              <label>
                Places to block there <input id="ga-count" type="number" min="0" step="1" value="0" inputmode="numeric" />
              </label>
            </div>
            <label>
              Reason <input name="reason" id="block-reason" required maxlength={200} placeholder="camera position" />
            </label>
            <button type="submit" id="block-submit">
              Block chosen seats
            </button>
          </form>
          <p id="blocks-message" role="status" hidden></p>
          <h3>Blocks</h3>
          <ul id="blocks" class="results"></ul>
        </section>

        <section class="panel image-panel" aria-labelledby="image-heading">
          <h2 id="image-heading">Event image</h2>
          <p class="meta">
            Fans see it in search results and on the event's page, cropped to 16:9. A JPEG, PNG or WebP file of at most {MAX_IMAGE_BYTES / 1024 / 1024} MiB, each side {IMAGE_LIMITS.minSide} to{" "}
            {IMAGE_LIMITS.maxSide.toLocaleString("en")} pixels.
          </p>
          <img id="image-preview" class="event-image" width={640} height={360} alt="" hidden />
          <p id="image-state" class="meta"></p>
          <form id="image-form">
            <label>
              Image file <input type="file" id="image-file" name="image" accept={Object.keys(IMAGE_TYPES).join(",")} required />
            </label>
            <div class="actions">
              <button type="submit" id="image-upload">
                Upload the image
              </button>
              <button type="button" id="image-remove" class="secondary" hidden>
                Remove the image
              </button>
            </div>
          </form>
          <p id="image-message" role="status" hidden></p>
        </section>

        <section class="panel" aria-labelledby="fees-heading">
          <h2 id="fees-heading">Prices and fees</h2>
          <p class="meta">
            Fans pay each ticket's face value, plus a service fee, plus tax on both; every price they see is that total, worked out per ticket and rounded to the cent. Holds made before a change keep their price.
          </p>
          <form id="fees-form">
            <fieldset id="fees-fields">
              <legend>Service fee and tax, per ticket</legend>
              <div class="inline-fields">
                <label>
                  <span>
                    Service fee, fixed amount (<span id="fee-currency">USD</span>)
                  </span>
                  <input id="fee-fixed" name="feeFixed" inputmode="decimal" autocomplete="off" />
                </label>
                <label>
                  Service fee, percent of the face value <input id="fee-percent" name="feePercent" inputmode="decimal" autocomplete="off" />
                </label>
                <label>
                  Tax rate, percent of face value and fee <input id="tax-rate" name="taxRate" inputmode="decimal" autocomplete="off" />
                </label>
              </div>
              <div class="actions">
                <button type="submit" id="fees-submit">
                  Save the fees and tax
                </button>
              </div>
            </fieldset>
          </form>
          <p id="fees-example"></p>
          <dl id="fees-split" class="figures"></dl>
          <p id="fees-message" role="status" hidden></p>
        </section>

        <section class="panel" aria-labelledby="codes-heading">
          <h2 id="codes-heading">Presale and promo codes</h2>
          <p class="meta">
            A presale code lets its holders buy before the sale opens; a promo code takes a percent or an amount off each ticket's face value. One use is one hold: reserved while the hold lasts, returned if it ends, spent when it is booked.
          </p>
          <ul id="codes" class="results"></ul>
          <p id="codes-message" role="status" hidden></p>
          <form id="code-form">
            <fieldset id="code-fields">
              <legend>New code</legend>
              <label>
                Code (what fans type: 3 to 40 letters, digits, - or _){" "}
                <input id="code-text" name="code" required minlength={3} maxlength={40} autocomplete="off" autocapitalize="characters" spellcheck={false} />
              </label>
              <fieldset>
                <legend>Kind</legend>
                <label class="check">
                  <input type="radio" name="kind" value="presale" checked /> Presale: buy before the sale opens
                </label>
                <label class="check">
                  <input type="radio" name="kind" value="promo" /> Promo: a discount
                </label>
              </fieldset>
              <fieldset id="code-discount" hidden>
                <legend>Discount</legend>
                <div class="inline-fields">
                  <label>
                    Kind of discount
                    <select id="code-discount-kind" name="discountKind">
                      <option value="percent">a percent</option>
                      <option value="fixed">a fixed amount</option>
                    </select>
                  </label>
                  <label>
                    <span id="code-discount-name">Percent off each ticket's face value</span>
                    <input id="code-discount-value" name="discount" inputmode="decimal" autocomplete="off" />
                  </label>
                </div>
              </fieldset>
              <fieldset id="code-sections" hidden>
                <legend>Sections with the discount (none chosen: every section)</legend>
                <div id="code-section-list" class="inline-fields"></div>
              </fieldset>
              <div class="inline-fields">
                <label>
                  Uses at most <input id="code-max-uses" name="maxUses" type="number" min="1" max="1000000" step="1" value="100" required inputmode="numeric" />
                </label>
                <label>
                  Valid from (optional) <input id="code-starts" name="startsAt" type="datetime-local" />
                </label>
                <label>
                  Valid until (optional) <input id="code-ends" name="endsAt" type="datetime-local" />
                </label>
              </div>
              <div class="actions">
                <button type="submit" id="code-submit">
                  Create the code
                </button>
              </div>
            </fieldset>
          </form>
        </section>

        <section class="panel" aria-labelledby="cancel-heading">
          <h2 id="cancel-heading">Cancel the event</h2>
          <div id="cancel-start">
            <p>Cancelling stops the sale and refunds every booking in full. It cannot be undone.</p>
            <button type="button" id="cancel-open" class="danger" aria-expanded="false" aria-controls="cancel-form">
              Cancel this event…
            </button>
          </div>
          <form id="cancel-form" hidden>
            <label>
              Reason (fans are told) <input name="reason" id="cancel-reason" required maxlength={500} />
            </label>
            <label>
              <span>
                To confirm, type the event's name: <strong id="cancel-name"></strong>
              </span>
              <input name="confirm" id="cancel-confirm" autocomplete="off" />
            </label>
            <div class="actions">
              <button type="submit" id="cancel-submit" class="danger" disabled>
                Cancel the event and refund everyone
              </button>
              <button type="button" id="cancel-back" class="secondary">
                Keep the event
              </button>
            </div>
          </form>
          <div id="cancel-progress" hidden>
            <p id="cancel-state" role="status"></p>
            <progress id="cancel-meter" max="1" value="0" aria-labelledby="cancel-state"></progress>
          </div>
          <p id="cancel-message" role="status" hidden></p>
        </section>
      </div>
    </Layout>,
  ),
);
