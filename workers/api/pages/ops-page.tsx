/** @jsxImportSource hono/jsx */
/**
 * `/organizer/events/:eventId/live`: the live operations view the team
 * running an on-sale keeps open. The page is the same for everyone (nothing
 * of the org is in it, as with the dashboard): its frame of headings,
 * figure names, tables and forms is rendered here, and /assets/ops.js
 * (src/client/pages/ops.ts) fills it every second from the ops stream with the
 * organizer's token, runs the controls and shows the audit. A user who may
 * not see the event gets a message from the script and no figures.
 */
import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { REJECTION_REASONS, type RejectionReason } from "../../../src/shared/ops";
import type { AppEnv } from "../env";
import { Layout } from "./layout";

export const opsPage = new Hono<AppEnv>();

const REJECTION_NAMES: Record<RejectionReason, string> = {
  sold_out: "Sold out",
  limit: "Over a fan's limit",
  rate_limited: "Rate limited",
  no_admission: "No admission",
  paused: "Sales paused",
  other: "Other",
};

/** One figure: its name, and a value the script fills in by `data-figure` (`f-…` for tests and links). */
function Figure(props: { name: string; term: string }) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd id={`f-${props.name.replace(".", "-")}`} data-figure={props.name}>
        —
      </dd>
    </div>
  );
}

/** A group of figures; the big ones are what the team reads from across the room. */
function Figures(props: { big?: boolean; children: Child }) {
  return <dl class={props.big ? "figures ops-big" : "figures"}>{props.children}</dl>;
}

/** A per-minute chart the script draws (SVG with a title and a description), and its legend. */
function Chart(props: { id: string; caption: string }) {
  return (
    <figure class="chart ops-chart-figure">
      <div id={props.id} class="chart-box"></div>
      <figcaption>
        <ul id={`${props.id}-legend`} class="legend ops-legend"></ul>
        <span class="meta">{props.caption}</span>
      </figcaption>
    </figure>
  );
}

function Panel(props: { id: string; heading: string; part?: string; wide?: boolean; children: Child; hidden?: boolean }) {
  return (
    <section id={`${props.id}-panel`} class={props.wide ? "panel ops-panel ops-wide" : "panel ops-panel"} data-part={props.part} aria-labelledby={`${props.id}-heading`} hidden={props.hidden}>
      <h2 id={`${props.id}-heading`}>{props.heading}</h2>
      {props.part && (
        <p class="ops-stale-note" role="note">
          Not current: these figures could not be read just now.
        </p>
      )}
      {props.children}
    </section>
  );
}

opsPage.get("/organizer/events/:eventId{ev_[0-9a-z]+}/live", (c) => {
  const eventId = c.req.param("eventId");
  return c.html(
    <Layout title="Live operations" env={c.env} page="ops" data={{ eventId }}>
      <p>
        <a id="dashboard-link" href={`/organizer/events/${eventId}`}>
          Event dashboard
        </a>{" "}
        · <a href="/organizer">All your events</a>
      </p>
      <h1 id="event-name">Live operations</h1>
      <p id="event-meta" class="meta"></p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <div id="ops" class="ops" hidden>
        <p id="conn" class="ops-conn">
          <span id="conn-state" role="status" aria-live="polite">
            Connecting…
          </span>{" "}
          <span id="conn-last" class="meta"></span>
        </p>
        <div id="paused-banner" class="ops-paused" role="alert" hidden>
          <h2 id="paused-headline">Sales are paused</h2>
          <p id="paused-detail"></p>
        </div>
        <p id="unavailable" class="error" role="alert" hidden></p>

        <div class="ops-grid">
          <Panel id="seats" heading="Seats" part="seatRoom" wide>
            <Figures big>
              <Figure name="seats.available" term="Available" />
              <Figure name="seats.held" term="Held" />
              <Figure name="seats.sold" term="Sold" />
              <Figure name="seats.blocked" term="Blocked" />
            </Figures>
            <Figures>
              <Figure name="seats.total" term="Places in all" />
              <Figure name="sellOut.eta" term="Sold out in (at this rate)" />
              <Figure name="sellOut.rate" term="Take rate (last 5 min)" />
            </Figures>
            <div class="ops-scroll">
              <table id="sections">
                <caption>Seats by section</caption>
                <thead>
                  <tr>
                    <th scope="col">Section</th>
                    <th scope="col">Available</th>
                    <th scope="col">Held</th>
                    <th scope="col">Sold</th>
                    <th scope="col">Blocked</th>
                    <th scope="col" class="ops-wide-only">
                      Places
                    </th>
                    <th scope="col" class="ops-wide-only">
                      <span class="visually-hidden">Share by status</span>
                    </th>
                  </tr>
                </thead>
                <tbody></tbody>
              </table>
            </div>
          </Panel>

          <Panel id="holds" heading="Holds" part="seatRoom">
            <Figures big>
              <Figure name="holds.live" term="Live holds" />
              <Figure name="holds.createdThisMinute" term="Created this minute" />
            </Figures>
            <Figures>
              <Figure name="holds.created" term="Created" />
              <Figure name="holds.booked" term="Booked" />
              <Figure name="holds.released" term="Released" />
              <Figure name="holds.expired" term="Expired" />
              <Figure name="holds.conversion" term="Conversion" />
              <Figure name="holds.medianToPay" term="Median time to pay" />
            </Figures>
            <Chart id="holds-chart" caption="Holds created, booked, released and expired per minute over the last hour." />
          </Panel>

          <Panel id="queue" heading="Waiting room" part="queue" hidden>
            <Figures big>
              <Figure name="queue.waiting" term="Waiting" />
              <Figure name="queue.admitted" term="Admitted" />
            </Figures>
            <Figures>
              <Figure name="queue.early" term="Waiting, early (lottery)" />
              <Figure name="queue.late" term="Waiting, late (in order)" />
              <Figure name="queue.admittedThisMinute" term="Admitted this minute" />
              <Figure name="queue.lastAdmitted" term="Last place admitted" />
              <Figure name="queue.medianWait" term="Median wait" />
              <Figure name="queue.sessions" term="Shopping now" />
              <Figure name="queue.state" term="State" />
            </Figures>
            <p class="meta">
              Settings: <span data-figure="queue.settings">—</span>
            </p>
            <Chart id="queue-chart" caption="Fans who joined and were admitted per minute, and fans waiting, over the last hour." />
          </Panel>

          <Panel id="payments" heading="Payments" part="payments">
            <Figures>
              <Figure name="payments.authorized" term="Authorized" />
              <Figure name="payments.captured" term="Captured" />
              <Figure name="payments.cancelled" term="Cancelled" />
              <Figure name="payments.refunded" term="Refunded" />
              <Figure name="payments.refundsPending" term="Refunds pending" />
              <Figure name="payments.failed" term="Failed" />
              <Figure name="payments.lagP50" term="Webhook lag p50" />
              <Figure name="payments.lagP99" term="Webhook lag p99" />
            </Figures>
          </Panel>

          <Panel id="health" heading="Health" part="seatRoom">
            <Figures>
              <Figure name="health.stepP50" term="Room step p50" />
              <Figure name="health.stepP99" term="Room step p99" />
              <Figure name="health.errors" term="Errors" />
              <Figure name="health.rejected" term="Holds refused" />
            </Figures>
            <Figures>
              {REJECTION_REASONS.map((r) => (
                <Figure name={`rejected.${r}`} term={`Refused: ${REJECTION_NAMES[r]}`} />
              ))}
            </Figures>
            <p class="meta">
              Counting since <span data-figure="health.since">—</span> (<span data-figure="health.steps">—</span> room steps).
            </p>
          </Panel>
        </div>

        <h2 class="ops-section-heading">Controls</h2>
        <div class="ops-grid">
          <section class="panel ops-panel" aria-labelledby="sales-heading">
            <h3 id="sales-heading">Sales</h3>
            <form id="pause-form">
              <label>
                Reason (the team and the audit see it) <input name="reason" required maxlength={200} placeholder="payment provider incident" />
              </label>
              <label>
                Tell refused fans to retry after (seconds) <input name="retryAfterSeconds" type="number" min="5" max="3600" step="1" value="60" required />
              </label>
              <button type="submit" class="danger">
                Pause sales
              </button>
            </form>
            <form id="resume-form" hidden>
              <label>
                Reason (optional) <input name="reason" maxlength={200} />
              </label>
              <button type="submit">Resume sales</button>
            </form>
            <p id="sales-result" role="status" hidden></p>
          </section>

          <section class="panel ops-panel" aria-labelledby="extend-heading">
            <h3 id="extend-heading">Extend holds</h3>
            <form id="extend-form">
              <label>
                Minutes to add to every live hold <input name="minutes" type="number" min="1" max="60" step="1" value="5" required />
              </label>
              <label>
                Reason <input name="reason" required maxlength={200} placeholder="payments were down for 4 minutes" />
              </label>
              <button type="submit" id="extend-review">
                Review extension…
              </button>
            </form>
            <div id="extend-confirm" class="confirm" hidden>
              <p id="extend-question"></p>
              <div class="actions">
                <button type="button" id="extend-yes">
                  Extend every live hold
                </button>
                <button type="button" id="extend-no" class="secondary">
                  Back
                </button>
              </div>
            </div>
            <p id="extend-result" role="status" hidden></p>
          </section>

          <section id="queue-controls" class="panel ops-panel" aria-labelledby="queue-controls-heading">
            <h3 id="queue-controls-heading">Waiting room</h3>
            <p id="queue-none" class="meta">
              This event has no waiting room. Turn it on in the event's settings to control admission here.
            </p>
            <div id="queue-form-box" hidden>
              <form id="queue-form" class="ops-queue-form">
                <label>
                  Fans admitted per tick <input name="batchSize" type="number" min="1" max="10000" step="1" />
                </label>
                <label>
                  Seconds between ticks <input name="tickSeconds" type="number" min="1" max="60" step="1" />
                </label>
                <label>
                  Shoppers at once (max active) <input name="maxActive" type="number" min="1" max="100000" step="1" />
                </label>
                <label>
                  Shopping time (minutes) <input name="sessionMinutes" type="number" min="1" max="120" step="1" />
                </label>
                <label class="ops-full">
                  Reason (optional, for the audit) <input name="reason" maxlength={200} />
                </label>
                <button type="submit">Apply settings</button>
              </form>
              <div class="actions">
                <button type="button" id="queue-pause" class="secondary">
                  Pause admission
                </button>
                <button type="button" id="queue-close" class="danger">
                  Close the queue…
                </button>
                <button type="button" id="queue-reopen" class="secondary" hidden>
                  Reopen the queue
                </button>
              </div>
              <div id="close-confirm" class="confirm" hidden>
                <p>Closing the queue stops admission: no one joins, and the fans in line are told it is closed. Close it?</p>
                <div class="actions">
                  <button type="button" id="close-yes" class="danger">
                    Close the queue
                  </button>
                  <button type="button" id="close-no" class="secondary">
                    Keep it open
                  </button>
                </div>
              </div>
            </div>
            <p id="queue-result" role="status" hidden></p>
          </section>

          <section class="panel ops-panel" aria-labelledby="block-heading">
            <h3 id="block-heading">Block seats</h3>
            <form id="block-form">
              <label>
                Ticket ids (separated by spaces, commas or lines) <textarea name="ticketIds" rows={3} required placeholder={`${eventId}.0`}></textarea>
              </label>
              <label>
                Reason <input name="reason" required maxlength={200} placeholder="camera position" />
              </label>
              <button type="submit">Block these seats</button>
            </form>
            <p id="block-result" role="status" hidden></p>
            <div class="ops-scroll">
              <table id="blocks">
                <caption>Blocked seats</caption>
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col">Seats</th>
                    <th scope="col">By</th>
                    <th scope="col">Since</th>
                    <th scope="col">
                      <span class="visually-hidden">Release</span>
                    </th>
                  </tr>
                </thead>
                <tbody></tbody>
              </table>
            </div>
            <p id="blocks-empty" class="meta" hidden>
              No seats are blocked.
            </p>
          </section>
        </div>

        <section class="panel ops-audit" aria-labelledby="audit-heading">
          <h2 id="audit-heading">Audit</h2>
          <p id="audit-message" role="status" hidden></p>
          <div class="ops-scroll">
            <table id="audit">
              <caption>Every control and change of this event, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Before → after</th>
                </tr>
              </thead>
              <tbody></tbody>
            </table>
          </div>
          <p id="audit-empty" class="meta" hidden>
            Nothing has been changed yet.
          </p>
          <button type="button" id="audit-more" class="secondary" hidden>
            Show older entries
          </button>
        </section>
      </div>
    </Layout>,
  );
});
