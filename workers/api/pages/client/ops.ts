/**
 * The live operations page's script (/assets/ops.js), on
 * /organizer/events/:id/live. Plain browser JavaScript around the typed
 * functions of ops-view.ts (sent as their own source).
 *
 * - Figures: `GET /ops` once (which also tells whether this user may see
 *   them: 403 and 404 show a message and no figures), then the stream
 *   `GET /ops/stream`, read with fetch() because it needs the Authorization
 *   header (EventSource cannot send one), parsed by `sseFrames`. The stream
 *   ends every ten minutes with a `retry:` hint, and may break: the page
 *   reconnects (the hint, else 1 s doubling up to 15 s), and a watchdog
 *   drops a stream that sends nothing for 10 s. The status line says "Live"
 *   while frames are less than 3.5 s old, else "Reconnecting…".
 * - Controls: each form calls its API and shows the answer or the
 *   problem's `detail`; the ones that cannot be undone at once (extend
 *   holds, close the queue) ask to confirm first. After each, the audit and
 *   the blocks are read again (and every 10 s anyway).
 *
 * Everything from the API goes into the page as text (textContent, DOM
 * APIs), never as HTML.
 */
import { auditRow, chartModel, opsView, sseFrames } from "./ops-view";

const LIVE_JS = String.raw`
(() => {
  const T = window.Tickets;
  const eventId = T.pageData().eventId;
  const base = "/api/events/" + eventId;
  const NS = "http://www.w3.org/2000/svg";
  const STALE_MS = 3500, WATCHDOG_MS = 10000, AUDIT_EVERY_MS = 10000, MAX_DELAY_MS = 15000;
  const $ = (id) => document.getElementById(id);
  const message = $("message"), ops = $("ops");
  const HOLD_SERIES = [
    { key: "holdsCreated", label: "Created" }, { key: "holdsBooked", label: "Booked" },
    { key: "holdsReleased", label: "Released" }, { key: "holdsExpired", label: "Expired" },
  ];
  const QUEUE_SERIES = [{ key: "joined", label: "Joined" }, { key: "admitted", label: "Admitted" }, { key: "waiting", label: "Waiting" }];
  const ACTIONS = {
    sales_paused: "Sales paused", sales_resumed: "Sales resumed", holds_extended: "Holds extended", queue_changed: "Waiting room changed",
    seats_blocked: "Seats blocked", block_released: "Block released", event_changed: "Event changed",
  };

  let generation = 0;     // bumped to stop the current stream (sign-out, no access)
  let latest = null;      // the last figures shown
  let lastFrameAt = 0;
  let connection = "";
  let auditTimer = null;
  const audit = new Map(); // id -> entry
  let auditCursor = null;

  const clock = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    e.append(...children);
    return e;
  };

  // ---- Access and start ----

  function stop() {
    generation += 1;
    clearInterval(auditTimer);
    auditTimer = null;
  }

  /** Says why there are no figures (and hides them); null when the answer is fine. */
  function refusal(res) {
    if (res.status === 401) return "Your sign-in has ended. Sign in again as an organizer (top right) to see the live view.";
    if (res.status === 403) return "Not allowed: only the organizers of this event's organization can see its live operations view.";
    if (res.status === 404) return "No event of your organization has this address.";
    return null;
  }
  function refuse(text) {
    stop();
    ops.hidden = true;
    T.say(message, text, "error");
  }

  async function start() {
    stop();
    const gen = generation;
    ops.hidden = true;
    if (!T.claims()) { T.say(message, "Sign in as an organizer (top right) to see this event's live operations view.", "notice"); return; }
    T.say(message, "Loading the live view…", "notice");
    let first;
    try {
      first = await T.api(base + "/ops");
    } catch {
      if (gen !== generation) return;
      T.say(message, "The server could not be reached; trying again in a few seconds…", "error");
      setTimeout(() => { if (gen === generation) start(); }, 3000);
      return;
    }
    if (gen !== generation) return;
    const refused = refusal(first);
    if (refused) { refuse(refused); return; }
    if (!first.ok) { T.say(message, (first.data && first.data.detail) || "The live view could not be loaded (" + first.status + "). Reload to try again.", "error"); return; }
    T.say(message, "");
    ops.hidden = false;
    $("dashboard-link").href = "/organizer/events/" + eventId;
    show(first.data);
    lastFrameAt = Date.now();
    refreshLists();
    auditTimer = setInterval(refreshLists, AUDIT_EVERY_MS);
    stream(gen);
  }

  // ---- The stream ----

  async function stream(gen) {
    let delay = 1000;
    while (gen === generation) {
      const controller = new AbortController();
      let watchdog = null;
      const arm = () => { clearTimeout(watchdog); watchdog = setTimeout(() => controller.abort(), WATCHDOG_MS); };
      let hint = null;
      try {
        arm();
        const res = await fetch(base + "/ops/stream", { headers: { authorization: "Bearer " + T.token(), accept: "text/event-stream" }, cache: "no-store", signal: controller.signal });
        const refused = refusal(res);
        if (refused) { if (gen === generation) refuse(refused); return; }
        if (!res.ok || !res.body) throw new Error("the stream answered " + res.status);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done || gen !== generation) break;
          arm();
          buffer += decoder.decode(value, { stream: true });
          const parsed = sseFrames(buffer);
          buffer = parsed.rest;
          for (const frame of parsed.frames) {
            if (frame.retry !== null) hint = frame.retry;
            if (frame.event !== "figures" || !frame.data) continue;
            show(JSON.parse(frame.data));
            lastFrameAt = Date.now();
            delay = 1000;
          }
        }
      } catch {
        // Broken, stalled (the watchdog) or refused: try again below.
      } finally {
        clearTimeout(watchdog);
        controller.abort();
      }
      if (gen !== generation) return;
      await sleep(hint !== null ? hint : delay);
      if (hint === null) delay = Math.min(MAX_DELAY_MS, delay * 2);
    }
  }

  /** The status line: live while frames are fresh; only the word is announced, and only when it changes. */
  function tickStatus() {
    if (ops.hidden) return;
    const fresh = lastFrameAt > 0 && Date.now() - lastFrameAt < STALE_MS;
    const state = fresh ? "Live" : "Reconnecting…";
    if (state !== connection) {
      connection = state;
      $("conn-state").textContent = state;
      $("conn").className = "ops-conn " + (fresh ? "is-live" : "is-reconnecting");
    }
    $("conn-last").textContent = lastFrameAt ? "last figures at " + clock(lastFrameAt) + (fresh ? "" : " (" + Math.round((Date.now() - lastFrameAt) / 1000) + " s ago)") : "";
  }
  setInterval(tickStatus, 500);

  // ---- Showing the figures ----

  function show(figures) {
    latest = figures;
    const v = opsView(figures);
    $("event-name").textContent = v.title;
    $("event-meta").textContent = v.meta;
    document.title = v.title + " · Live · Edge Tickets";
    for (const dd of document.querySelectorAll("[data-figure]")) {
      const text = v.figures[dd.dataset.figure];
      if (text !== undefined) dd.textContent = text;
    }
    const banner = $("paused-banner");
    banner.hidden = !v.paused;
    if (v.paused) { $("paused-headline").textContent = v.paused.headline; $("paused-detail").textContent = v.paused.detail; }
    $("pause-form").hidden = !!v.paused;
    $("resume-form").hidden = !v.paused;
    const warning = $("unavailable");
    warning.hidden = !v.unavailable;
    warning.textContent = v.unavailable || "";
    for (const [part, stale] of Object.entries(v.stale)) {
      for (const panel of document.querySelectorAll('[data-part="' + part + '"]')) panel.classList.toggle("is-stale", stale);
    }
    $("queue-panel").hidden = !v.queueShown;
    $("queue-form-box").hidden = !v.queueShown;
    $("queue-none").hidden = v.queueShown;
    if (figures.seatRoom) {
      showSections(v.sections);
      drawChart($("holds-chart"), figures.seatRoom.history, HOLD_SERIES, [], "Holds per minute, the last hour");
    }
    if (figures.queue) {
      drawChart($("queue-chart"), figures.queue.history, QUEUE_SERIES, ["waiting"], "Waiting room per minute, the last hour");
      fillQueueForm(figures.queue.settings);
      $("queue-pause").textContent = figures.queue.settings.paused ? "Resume admission" : "Pause admission";
      $("queue-close").hidden = !!figures.queue.settings.closed;
      $("queue-reopen").hidden = !figures.queue.settings.closed;
    }
  }

  function showSections(rows) {
    const body = document.querySelector("#sections tbody");
    body.replaceChildren(...rows.map((r) => {
      const tr = el("tr");
      tr.append(el("th", { scope: "row", textContent: r.name }));
      // The places and the bar only where there is room (CSS hides .ops-wide-only on a phone).
      r.cells.forEach((c, i) => tr.append(el("td", { textContent: c, className: i === 4 ? "ops-wide-only" : "" })));
      const bar = el("span", { className: "ops-bar" });
      bar.setAttribute("role", "img");
      bar.setAttribute("aria-label", r.label);
      ["available", "held", "sold", "blocked"].forEach((status, i) => {
        const part = el("span", { className: "ops-bar-" + status });
        part.style.width = r.shares[i].toFixed(2) + "%";
        bar.append(part);
      });
      tr.append(el("td", { className: "ops-bar-cell ops-wide-only" }, bar));
      return tr;
    }));
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function drawChart(box, minutes, series, levels, title) {
    const m = chartModel(minutes, series, levels, Math.round(Math.max(300, Math.min(760, box.clientWidth || 640))));
    const id = box.id;
    const root = svg("svg", { viewBox: "0 0 " + m.width + " " + m.height, role: "img", "aria-labelledby": id + "-title " + id + "-desc", class: "ops-chart" });
    root.append(svg("title", { id: id + "-title" }, title), svg("desc", { id: id + "-desc" }, m.description));
    const [left, top, right, bottom] = m.box;
    for (const g of m.grid) {
      root.append(svg("line", { x1: left, x2: right, y1: g.y, y2: g.y, class: "grid" }));
      root.append(svg("text", { x: left - 6, y: g.y + 4, "text-anchor": "end", class: "axis" }, g.label));
    }
    for (const t of m.times) root.append(svg("text", { x: t.x, y: bottom + 18, "text-anchor": t.label === "now" ? "end" : "middle", class: "axis" }, t.label));
    for (const line of m.lines) root.append(svg("polyline", { points: line.points, class: "line s-" + line.key, fill: "none" }));
    box.replaceChildren(root);
    const legend = $(id + "-legend");
    legend.replaceChildren(...m.lines.map((l) => {
      const item = el("li");
      const swatch = el("span", { className: "ops-swatch s-" + l.key });
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, el("span", { textContent: l.label + (levels.includes(l.key) ? ": " + l.last + " now" : ": " + l.total + " this hour") }));
      return item;
    }));
  }

  // ---- Controls ----

  /** Runs a control: the answer, or the problem's detail, in its status line; then the lists again. */
  async function control(out, button, call, done) {
    if (button) button.disabled = true;
    T.say(out, "Working…", "notice");
    try {
      const res = await call();
      if (!res.ok) {
        const detail = (res.data && res.data.detail) || "refused (" + res.status + ")";
        T.say(out, res.status === 503 ? "The room is busy (mid-deploy?): " + detail + " Try again in a moment." : detail, "error");
        return null;
      }
      T.say(out, done(res.data), "notice");
      return res.data;
    } catch {
      T.say(out, "The request did not reach the server. Check the connection and try again.", "error");
      return null;
    } finally {
      if (button) button.disabled = false;
      refreshLists();
    }
  }
  const post = (path, body) => T.api(base + path, { method: "POST", body });
  const fields = (form) => Object.fromEntries(new FormData(form));
  const number = (v) => (v === "" || v === undefined ? undefined : Number(v));

  $("pause-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = fields(e.target);
    const data = await control($("sales-result"), e.submitter, () => post("/ops/pause", { reason: f.reason, retryAfterSeconds: number(f.retryAfterSeconds) }),
      (d) => "Sales paused: new holds are refused; fans are told to retry in " + d.paused.retryAfterSeconds + " s.");
    if (data && latest && latest.seatRoom) { latest.seatRoom.paused = data.paused; show(latest); }
  });
  $("resume-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = fields(e.target);
    const data = await control($("sales-result"), e.submitter, () => post("/ops/resume", f.reason ? { reason: f.reason } : {}), () => "Sales resumed: fans can hold seats again.");
    if (data && latest && latest.seatRoom) { latest.seatRoom.paused = null; show(latest); e.target.reset(); }
  });

  const extendForm = $("extend-form"), extendConfirm = $("extend-confirm");
  extendForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = fields(extendForm);
    const live = latest && latest.seatRoom ? latest.seatRoom.holds.live : null;
    $("extend-question").textContent = "Give every live hold" + (live === null ? "" : " (" + live + " now)") + " " + f.minutes + " more minutes, because: " + f.reason + "?";
    extendConfirm.hidden = false;
    $("extend-yes").focus();
  });
  $("extend-no").addEventListener("click", () => { extendConfirm.hidden = true; $("extend-review").focus(); });
  $("extend-yes").addEventListener("click", async (e) => {
    const f = fields(extendForm);
    extendConfirm.hidden = true;
    await control($("extend-result"), e.currentTarget, () => post("/ops/extend-holds", { minutes: number(f.minutes), reason: f.reason }),
      (d) => "Extended " + d.holds + (d.holds === 1 ? " hold" : " holds") + " (" + d.seats + (d.seats === 1 ? " seat" : " seats") + ") by " + f.minutes + " minutes" +
        (d.latestExpiry ? "; the last now ends at " + clock(Date.parse(d.latestExpiry)) + "." : "."));
    $("extend-review").focus();
  });

  // The waiting room's settings: filled from the figures until the organizer edits them.
  const queueForm = $("queue-form");
  let queueEdited = false;
  queueForm.addEventListener("input", () => { queueEdited = true; });
  function fillQueueForm(s) {
    if (queueEdited) return;
    for (const name of ["batchSize", "tickSeconds", "maxActive", "sessionMinutes"]) {
      const input = queueForm.elements.namedItem(name);
      if (input && document.activeElement !== input && s[name] !== undefined) input.value = String(s[name]);
    }
  }
  /** A waiting room change with the form's reason, which is cleared once used (the next change has its own). */
  const queueChange = async (settings, button, done) => {
    const reasonInput = queueForm.elements.namedItem("reason");
    const reason = reasonInput.value.trim();
    const data = await control($("queue-result"), button, () => post("/ops/queue", reason ? { ...settings, reason } : settings), done);
    if (data) reasonInput.value = "";
    return data;
  };
  queueForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = fields(queueForm);
    // Only what the organizer changed, so the audit shows just that.
    const now = latest && latest.queue ? latest.queue.settings : {};
    const settings = {};
    for (const name of ["batchSize", "tickSeconds", "maxActive", "sessionMinutes"]) if (f[name] !== "" && number(f[name]) !== now[name]) settings[name] = number(f[name]);
    if (Object.keys(settings).length === 0) { T.say($("queue-result"), "These are the settings already: change one first.", "notice"); return; }
    const data = await queueChange(settings, e.submitter, (d) => "Waiting room now admits " + d.queue.batchSize + " fans every " + d.queue.tickSeconds + " s" +
      (d.queue.maxActive ? ", at most " + d.queue.maxActive + " shopping at once" : "") + ".");
    if (data) queueEdited = false;
  });
  $("queue-pause").addEventListener("click", (e) => {
    const paused = !(latest && latest.queue && latest.queue.settings.paused);
    queueChange({ paused }, e.currentTarget, () => paused ? "Admission paused: fans keep their places." : "Admission resumed.");
  });
  const closeConfirm = $("close-confirm");
  $("queue-close").addEventListener("click", () => { closeConfirm.hidden = false; $("close-yes").focus(); });
  $("close-no").addEventListener("click", () => { closeConfirm.hidden = true; $("queue-close").focus(); });
  $("close-yes").addEventListener("click", async (e) => {
    closeConfirm.hidden = true;
    await queueChange({ closed: true }, e.currentTarget, () => "The waiting room is closed: no one joins or is admitted.");
  });
  $("queue-reopen").addEventListener("click", (e) => queueChange({ closed: false }, e.currentTarget, () => "The waiting room is open again."));

  // Blocks: ticket ids in, the list with a release button each.
  $("block-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = fields(e.target);
    const ticketIds = String(f.ticketIds).split(/[\s,;]+/).filter(Boolean);
    if (ticketIds.length === 0) { T.say($("block-result"), "List the ticket ids to block.", "error"); return; }
    const data = await control($("block-result"), e.submitter, () => post("/blocks", { ticketIds, reason: f.reason }),
      (d) => "Blocked " + d.ticketIds.length + (d.ticketIds.length === 1 ? " seat" : " seats") + ": " + d.reason + ".");
    if (data) e.target.reset();
  });
  async function loadBlocks() {
    const res = await T.api(base + "/blocks");
    const body = document.querySelector("#blocks tbody");
    if (!res.ok) { T.say($("block-result"), (res.data && res.data.detail) || "The blocks could not be read (" + res.status + ").", "error"); return; }
    $("blocks-empty").hidden = res.data.blocks.length > 0;
    body.replaceChildren(...res.data.blocks.map((b) => {
      const release = el("button", { type: "button", className: "secondary", textContent: "Release" });
      release.setAttribute("aria-label", "Release the block " + b.reason + " (" + b.ticketIds.length + (b.ticketIds.length === 1 ? " seat)" : " seats)"));
      release.addEventListener("click", () => control($("block-result"), release, () => T.api(base + "/blocks/" + b.blockId, { method: "DELETE" }),
        (d) => "Released " + d.released.length + (d.released.length === 1 ? " seat" : " seats") + " (" + b.reason + "): on sale again."));
      const seats = b.ticketIds.length > 6 ? b.ticketIds.slice(0, 6).join(", ") + " and " + (b.ticketIds.length - 6) + " more" : b.ticketIds.join(", ");
      return el("tr", {},
        el("th", { scope: "row", textContent: b.reason }),
        el("td", { textContent: b.ticketIds.length + " · " + seats }),
        el("td", { textContent: b.createdBy }),
        el("td", {}, el("time", { dateTime: b.createdAt, textContent: clock(Date.parse(b.createdAt)) })),
        el("td", {}, release));
    }));
  }

  // ---- The audit ----

  async function loadAudit(cursor) {
    const res = await T.api(base + "/ops/audit?limit=50" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!res.ok) { T.say($("audit-message"), (res.data && res.data.detail) || "The audit could not be read.", "error"); return; }
    T.say($("audit-message"), "");
    for (const entry of res.data.entries) audit.set(entry.id, entry);
    if (cursor || auditCursor === null) auditCursor = res.data.nextCursor;
    showAudit();
  }
  function showAudit() {
    const entries = [...audit.values()].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
    $("audit-empty").hidden = entries.length > 0;
    document.querySelector("#audit tbody").replaceChildren(...entries.map((entry) => {
      const row = auditRow(entry);
      const action = el("td");
      action.append(el("span", { textContent: ACTIONS[entry.action] || entry.action }), " ", el("code", { textContent: entry.action }));
      return el("tr", {},
        el("td", {}, el("time", { dateTime: entry.at, textContent: row.when })),
        el("td", { textContent: entry.actor }),
        action,
        el("td", { textContent: entry.reason || "—" }),
        el("td", { className: "ops-change", textContent: row.change }));
    }));
    $("audit-more").hidden = !auditCursor;
  }
  $("audit-more").addEventListener("click", () => loadAudit(auditCursor));

  function refreshLists() {
    if (ops.hidden) return;
    loadAudit(null).catch(() => T.say($("audit-message"), "The audit could not be read (no connection?); it is tried again every 10 s.", "error"));
    loadBlocks().catch(() => T.say($("block-result"), "The blocks could not be read (no connection?); they are tried again every 10 s.", "error"));
  }

  document.addEventListener("account-changed", start);
  start();
})();
`;

/** The typed functions first (`__name`: wrangler's esbuild keepNames wraps functions in it), then the page's code. */
export const OPS_JS = [
  "(() => {",
  "const __name = (f) => f;",
  `const sseFrames = ${sseFrames.toString()};`,
  `const opsView = ${opsView.toString()};`,
  `const chartModel = ${chartModel.toString()};`,
  `const auditRow = ${auditRow.toString()};`,
  LIVE_JS,
  "})();",
  "",
].join("\n");
