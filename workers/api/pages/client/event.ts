/**
 * The event page's script (/assets/event.js): draws the seat map as SVG from
 * the venue's seat map, colours it live from the seat stream (snapshot then
 * deltas), lets the fan pick seats by click or keyboard (or "best
 * available"), holds them, and counts the hold down by the server's clock.
 *
 * Large venues start with a section overview; choosing a section draws its
 * seats, so a stadium never puts 90,000 elements on a phone.
 */
import { SEAT_STATUSES, STATUS_CODES } from "../../../../src/shared/room-protocol";

/** The live map's status codes, declared once in the room protocol: code → name. */
const STATUS_BY_CODE = Object.fromEntries(SEAT_STATUSES.map((s) => [String.fromCharCode(STATUS_CODES[s]), s]));

export const EVENT_JS = String.raw`
(() => {
  const T = window.Tickets;
  const data = T.pageData();
  const map = data.seatMap;
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.getElementById("seatmap");
  const status = document.getElementById("map-status");
  const picked = document.getElementById("picked");
  const holdButton = document.getElementById("hold");
  const message = document.getElementById("message");
  const holdPanel = document.getElementById("hold-panel");
  const overviewButton = document.getElementById("overview");
  const priceOf = new Map(data.prices.map((p) => [p.section, p.minCents]));
  const limit = data.perUserLimit;
  let statuses = null;
  let seq = -1;
  const selected = new Set();
  let mine = new Set();
  let shown = null; // the section drawn, or null for all / overview
  const elements = new Map(); // seat index -> element
  const STATUS = ${JSON.stringify(STATUS_BY_CODE)};

  const sectionOf = (i) => map.sections.find((s) => i >= s.firstIndex && i < s.firstIndex + s.count);
  function describe(i) {
    const s = sectionOf(i);
    if (!s) return "";
    let where = s.name;
    if (s.kind === "seated") {
      for (const row of s.rows) if (i >= row.firstIndex && i < row.firstIndex + row.seats.length) where += ", row " + row.name + ", seat " + row.seats[i - row.firstIndex];
    } else where += ", general admission";
    return where + ", " + T.money(priceOf.get(s.name) || 0, data.currency);
  }
  function statusOf(i) { return mine.has(i) ? "yours" : selected.has(i) ? "selected" : STATUS[statuses ? statuses[i] : "0"]; }

  function bounds(section) {
    if (section.kind === "ga") return section.area;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const row of section.rows) for (let k = 0; k < row.x.length; k++) {
      x0 = Math.min(x0, row.x[k]); x1 = Math.max(x1, row.x[k]); y0 = Math.min(y0, row.y[k]); y1 = Math.max(y1, row.y[k]);
    }
    return { x: x0 - 0.5, y: y0 - 0.5, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }
  function el(name, attrs) { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; }

  function draw() {
    svg.replaceChildren();
    elements.clear();
    const total = map.sections.reduce((n, s) => n + s.count, 0);
    const overview = shown === null && total > 3000;
    overviewButton.hidden = shown === null;
    const sections = shown === null ? map.sections : map.sections.filter((s) => s.name === shown);
    let box = { x: 0, y: 0, width: map.width, height: map.height };
    if (shown !== null) box = bounds(sections[0]);
    svg.setAttribute("viewBox", [box.x - 1, box.y - 1, box.width + 2, box.height + 2].join(" "));
    // Seats stay big enough to tap: the map scrolls sideways on a small screen.
    svg.style.minWidth = overview ? "" : Math.round((box.width + 2) * 14) + "px";
    for (const section of sections) {
      if (section.kind === "ga" || overview) {
        const b = bounds(section);
        const area = el("rect", { x: b.x, y: b.y, width: b.width, height: b.height, class: "area", tabindex: "0", role: "button" });
        const free = countFree(section);
        area.setAttribute("aria-label", section.name + ", " + T.money(priceOf.get(section.name) || 0, data.currency) + ", " + free + " available" + (section.kind === "ga" ? ", general admission: use best available" : ", show seats"));
        const size = Math.min(b.height / 3, (b.width / Math.max(4, section.name.length)) * 1.5);
        const label = el("text", { x: b.x + b.width / 2, y: b.y + b.height / 2 + size / 3, "text-anchor": "middle", class: "area-label", "font-size": size });
        label.textContent = section.name;
        const open = () => {
          if (section.kind === "ga") { document.getElementById("best-section").value = section.name; document.getElementById("best-count").focus(); }
          else { shown = section.name; draw(); }
        };
        area.addEventListener("click", open);
        area.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
        svg.append(area, label);
        continue;
      }
      for (const row of section.rows) for (let k = 0; k < row.seats.length; k++) {
        const i = row.firstIndex + k;
        const c = el("circle", { cx: row.x[k], cy: row.y[k], r: 0.42, class: "seat", role: "checkbox", "data-i": i });
        c.addEventListener("click", () => toggle(i));
        c.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(i); } });
        elements.set(i, c);
        paint(i);
        svg.append(c);
      }
    }
  }
  // The waitlist panel (waitlist.js) offers the event's or a section's waitlist when nothing is free there.
  // held: seats were just held, which may be a waitlist offer to this fan.
  function tellSoldOut(held) {
    if (!statuses) return;
    const sections = map.sections.filter((s) => countFree(s) === 0).map((s) => s.name);
    document.dispatchEvent(new CustomEvent("sold-out", { detail: { soldOut: sections.length === map.sections.length, sections, held: !!held } }));
  }
  function countFree(section) {
    if (!statuses) return section.count;
    let n = 0;
    for (let i = section.firstIndex; i < section.firstIndex + section.count; i++) if (statuses[i] === "0") n++;
    return n;
  }
  function paint(i) {
    const c = elements.get(i);
    if (!c) return;
    const s = statuses ? statuses[i] : "0";
    const state = statusOf(i);
    c.setAttribute("class", "seat s" + s + (selected.has(i) || mine.has(i) ? " mine" : ""));
    c.setAttribute("aria-checked", selected.has(i) ? "true" : "false");
    c.setAttribute("aria-disabled", s === "0" || mine.has(i) ? "false" : "true");
    c.setAttribute("tabindex", s === "0" ? "0" : "-1");
    c.setAttribute("aria-label", describe(i) + ", " + state);
  }
  function toggle(i) {
    if (!statuses || statuses[i] !== "0") { T.say(message, "That seat is not available.", "notice"); return; }
    if (selected.has(i)) selected.delete(i);
    else if (selected.size >= limit) { T.say(message, "You can choose at most " + limit + " tickets.", "notice"); return; }
    else selected.add(i);
    paint(i);
    renderPicked();
  }
  function renderPicked() {
    picked.replaceChildren();
    let total = 0;
    for (const i of [...selected].sort((a, b) => a - b)) {
      const li = document.createElement("li");
      li.textContent = describe(i);
      picked.append(li);
      total += priceOf.get(sectionOf(i).name) || 0;
    }
    document.getElementById("picked-total").textContent = selected.size ? selected.size + " selected, " + T.money(total, data.currency) : "No seats selected yet.";
    holdButton.disabled = selected.size === 0;
  }

  // Live status: snapshot, then deltas; a gap means reconnect.
  function connect() {
    const source = new EventSource("/api/events/" + data.eventId + "/seats/stream");
    source.addEventListener("snapshot", (e) => {
      const snap = JSON.parse(e.data);
      statuses = snap.statuses.split("");
      seq = snap.seq;
      status.textContent = "Live seat map, updated as fans hold and buy.";
      draw();
      renderPicked();
      tellSoldOut();
    });
    source.addEventListener("delta", (e) => {
      const d = JSON.parse(e.data);
      if (!statuses || d.from !== seq + 1) { source.close(); setTimeout(connect, 200); return; }
      seq = d.seq;
      for (const [code, state] of Object.entries(STATUS)) {
        for (const id of d[state] || []) {
          const i = Number(id.slice(id.lastIndexOf(".") + 1));
          statuses[i] = code;
          if (code !== "0" && selected.has(i)) { selected.delete(i); T.say(message, describe(i) + " was just taken by someone else.", "notice"); renderPicked(); }
          paint(i);
        }
      }
      if (shown === null && map.sections.reduce((n, s) => n + s.count, 0) > 3000) draw();
      tellSoldOut((d.held || []).length > 0);
    });
    source.onerror = () => { status.textContent = "Reconnecting to the live seat map…"; };
  }

  async function bestAvailable(e) {
    e.preventDefault();
    const count = document.getElementById("best-count").value;
    const section = document.getElementById("best-section").value;
    const q = new URLSearchParams({ count });
    if (section) q.set("section", section);
    const { ok, data: body } = await T.api("/api/events/" + data.eventId + "/best-available?" + q);
    if (!ok) { T.say(message, body.detail, "notice"); return; }
    selected.clear();
    for (const id of body.ticketIds) selected.add(Number(id.slice(id.lastIndexOf(".") + 1)));
    const first = sectionOf([...selected][0]);
    if (first && first.kind === "seated" && map.sections.reduce((n, s) => n + s.count, 0) > 3000) shown = first.name;
    draw();
    renderPicked();
    T.say(message, "We picked " + body.ticketIds.length + " seats together for " + T.money(body.totalCents, data.currency) + ". Hold them to keep them.", "notice");
  }

  async function hold() {
    if (!T.claims()) { T.say(message, "Sign in first (top right), then hold your seats.", "error"); return; }
    const headers = {};
    const admission = sessionStorage.getItem("admission:" + data.eventId);
    if (admission) headers["x-admission-token"] = admission;
    holdButton.disabled = true;
    const ticketIds = [...selected].map((i) => data.eventId + "." + i);
    const { status: code, data: body } = await T.api("/api/booking/reserve", { method: "POST", body: { ticketIds }, headers });
    holdButton.disabled = false;
    if (code === 403 && data.queueEnabled) { location.href = "/events/" + data.eventId + "/queue"; return; }
    if (code !== 201) { T.say(message, body && body.detail ? body.detail : "Could not hold the seats.", "error"); return; }
    mine = new Set(selected);
    selected.clear();
    sessionStorage.setItem("hold:" + data.eventId, JSON.stringify(body));
    showHold(body);
    draw();
    renderPicked();
  }

  function showHold(h) {
    holdPanel.hidden = false;
    T.say(message, "");
    document.getElementById("hold-seats").textContent = h.ticketIds.length + " seats held, " + T.money(h.totalCents, h.currency);
    document.getElementById("checkout").href = "/checkout/" + h.holdId;
    T.countdown(document.getElementById("hold-countdown"), h.expiresAt, () => {
      holdPanel.hidden = true;
      mine = new Set();
      sessionStorage.removeItem("hold:" + data.eventId);
      T.say(message, "Your hold expired and the seats went back on sale. Choose again.", "error");
      draw();
    });
    document.getElementById("release").onclick = async () => {
      await T.api("/api/booking/holds/" + h.holdId, { method: "DELETE" });
      holdPanel.hidden = true;
      mine = new Set();
      sessionStorage.removeItem("hold:" + data.eventId);
      draw();
    };
  }

  overviewButton.addEventListener("click", () => { shown = null; draw(); });
  document.getElementById("best").addEventListener("submit", bestAvailable);
  holdButton.addEventListener("click", hold);
  const saved = sessionStorage.getItem("hold:" + data.eventId);
  if (saved) {
    const h = JSON.parse(saved);
    if (Date.parse(h.expiresAt) > Date.now()) { mine = new Set(h.ticketIds.map((id) => Number(id.slice(id.lastIndexOf(".") + 1)))); showHold(h); }
  }
  renderPicked();
  connect();
})();
`;
