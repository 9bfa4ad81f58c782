/** @jsxImportSource hono/jsx */
/**
 * `/door/:eventId`: the door staff's scanner. The page is the same for
 * every event and every device (nothing of the org is in it), so it can be
 * cached and kept by the service worker (`/door/sw.js`,
 * src/client/service-workers/offline-pages.ts) for a door with a patchy
 * network; /assets/door.js (src/client/pages/door.ts) does the work with the
 * staff's token: loads the event's door kit, scans codes with the camera,
 * checks them (the server's answer wins; offline, the kit's), and uploads
 * the scans it admitted offline. See docs/after-sale.md, "The door page".
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { OFFLINE_PAGES_WORKER_JS } from "./assets";
import { Layout } from "./layout";

export const doorPage = new Hono<AppEnv>();

doorPage.get("/door/sw.js", (c) =>
  c.body(OFFLINE_PAGES_WORKER_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" }),
);

doorPage.get("/door/:eventId{ev_[0-9a-z]+}", (c) =>
  c.html(
    <Layout title="Door" env={c.env} page="door" data={{ eventId: c.req.param("eventId") }}>
      <h1 id="door-title">Door</h1>
      <p id="door-event" class="meta"></p>
      <div role="status" aria-live="polite" class="live-region">
        <p id="message" hidden></p>
      </div>
      <div id="signin" class="panel" hidden>
        <p>Sign in as door staff (or an organizer) of this event's organization to load the door kit.</p>
        {c.env.DEV_AUTH === "1" && (
          <p>
            <button type="button" id="demo-door">
              Continue as demo door staff
            </button>
          </p>
        )}
      </div>
      <div class="door">
        <div id="verdict" class="verdict idle" role="status" aria-live="assertive" aria-atomic="true">
          <p class="verdict-word">Ready</p>
          <p class="verdict-seat">Scan a ticket</p>
          <p class="verdict-reason"></p>
          <p class="verdict-meta"></p>
        </div>
        <dl class="figures door-figures">
          <div>
            <dt>Admitted</dt>
            <dd>
              <span id="admitted-count">—</span> of <span id="total-count">—</span>
            </dd>
          </div>
          <div>
            <dt>Waiting to upload</dt>
            <dd id="pending-count">0</dd>
          </div>
          <div>
            <dt>Conflicts at this event</dt>
            <dd id="conflict-count">0</dd>
          </div>
        </dl>
        <p id="network" class="meta" aria-live="polite"></p>
        <section class="panel camera-panel" aria-labelledby="camera-heading">
          <h2 id="camera-heading">Camera</h2>
          <video id="camera" class="camera" muted playsinline hidden></video>
          <div class="actions">
            <button type="button" id="camera-toggle">
              Start camera
            </button>
          </div>
          <p id="camera-message" role="status" hidden></p>
        </section>
        <form id="manual" class="panel">
          <label>
            Type or paste a code
            <textarea id="code-input" rows={3} autocomplete="off" spellcheck={false} autocapitalize="off"></textarea>
          </label>
          <div class="actions">
            <button type="submit">Check code</button>
          </div>
        </form>
        <label class="gate">
          This gate's name (kept on this device)
          <input id="gate" maxlength={40} autocomplete="off" />
        </label>
        <section id="problems-panel" class="panel" aria-labelledby="problems-heading" hidden>
          <h2 id="problems-heading">Found when offline scans were uploaded</h2>
          <ul id="problems" class="results"></ul>
        </section>
      </div>
    </Layout>,
  ),
);
