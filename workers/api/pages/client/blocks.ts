/**
 * The dashboard's blocks panel (/assets/blocks.js): the event's seat map
 * coloured by seat status (from GET /seats), where the organizer chooses
 * available seats (click, or Tab and Enter) and places of general admission
 * sections (by count), blocks them with a reason, and releases blocks.
 *
 * A venue of more than BIG places is drawn as one box per section with its
 * counts, and a seated section's seats only once it is opened, so a stadium
 * never puts 90,000 elements in the page. The map is read again after every
 * change made here or elsewhere on the dashboard (a refund may block seats).
 */
import { SEAT_STATUSES, STATUS_CODES } from "../../../../src/shared/room-protocol";

/** The seat status codes of the room protocol: code → name. */
const STATUS_BY_CODE = Object.fromEntries(SEAT_STATUSES.map((s) => [String.fromCharCode(STATUS_CODES[s]), s]));
const AVAILABLE = String.fromCharCode(STATUS_CODES.available);
const BLOCKED = String.fromCharCode(STATUS_CODES.blocked);

export const BLOCKS_JS = String.raw`
(() => {
  const T = window.Tickets;
  const D = window.Dashboard;
  const NS = "http://www.w3.org/2000/svg";
  const STATUS = ${JSON.stringify(STATUS_BY_CODE)};
  const AVAILABLE = ${JSON.stringify(AVAILABLE)};
  const BLOCKED = ${JSON.stringify(BLOCKED)};
  const BIG = 3000;
  const svg = document.getElementById("blockmap");
  const message = document.getElementById("blocks-message");
  const picked = document.getElementById("block-picked");
  const form = document.getElementById("block-form");
  const list = document.getElementById("blocks");
  const overviewButton = document.getElementById("block-overview");
  const gaFields = document.getElementById("ga-fields");
  const gaSection = document.getElementById("ga-section");
  const gaCount = document.getElementById("ga-count");
  let map = null;
  let statuses = "";
  let shown = null; // the seated section drawn on its own, or null for the whole venue
  const chosen = new Set();

  const sectionOf = (i) => map.sections.find((s) => i >= s.firstIndex && i < s.firstIndex + s.count);
  function describe(i) {
    const s = sectionOf(i);
    if (!s) return "place " + i;
    if (s.kind !== "seated") return s.name + ", general admission";
    const row = s.rows.find((r) => i >= r.firstIndex && i < r.firstIndex + r.seats.length);
    return row ? s.name + ", row " + row.name + ", seat " + row.seats[i - row.firstIndex] : s.name;
  }
  function tally(section, code) {
    let n = 0;
    for (let i = section.firstIndex; i < section.firstIndex + section.count; i++) if (statuses[i] === code) n++;
    return n;
  }
  /** The least and greatest coordinate of a section's seats on one axis (no spread: a section may have thousands). */
  function extent(rows, axis) {
    let lo = Infinity, hi = -Infinity;
    for (const row of rows) for (const v of row[axis]) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return [lo, hi];
  }
  function bounds(section) {
    if (section.kind === "ga") return section.area;
    const [x0, x1] = extent(section.rows, "x"), [y0, y1] = extent(section.rows, "y");
    return { x: x0 - 0.5, y: y0 - 0.5, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  }
  function el(name, attrs) { const e = document.createElementNS(NS, name); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; }
  function onActivate(target, action) {
    target.addEventListener("click", action);
    target.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); action(); } });
  }

  function draw() {
    svg.replaceChildren();
    const overview = shown === null && map.sections.reduce((n, s) => n + s.count, 0) > BIG;
    overviewButton.hidden = shown === null;
    const sections = shown === null ? map.sections : map.sections.filter((s) => s.name === shown);
    const box = shown === null ? { x: 0, y: 0, width: map.width, height: map.height } : bounds(sections[0]);
    svg.setAttribute("viewBox", [box.x - 1, box.y - 1, box.width + 2, box.height + 2].join(" "));
    svg.style.minWidth = overview ? "" : Math.round((box.width + 2) * 14) + "px";
    for (const section of sections) {
      if (section.kind === "ga" || overview) { drawArea(section); continue; }
      for (const row of section.rows) for (let k = 0; k < row.seats.length; k++) {
        const i = row.firstIndex + k;
        const c = el("circle", { cx: row.x[k], cy: row.y[k], r: 0.42, role: "checkbox", "data-i": i });
        paint(c, i);
        onActivate(c, () => toggle(i, c));
        svg.append(c);
      }
    }
  }
  function drawArea(section) {
    const b = bounds(section);
    const counts = tally(section, AVAILABLE) + " available, " + tally(section, BLOCKED) + " blocked";
    const area = el("rect", { x: b.x, y: b.y, width: b.width, height: b.height, class: "area", tabindex: "0", role: "button" });
    area.setAttribute("aria-label", section.name + ": " + counts + (section.kind === "ga" ? ", general admission: block places by count" : ", show its seats"));
    const size = Math.min(b.height / 4, (b.width / Math.max(6, section.name.length)) * 1.5);
    const name = el("text", { x: b.x + b.width / 2, y: b.y + b.height / 2, "text-anchor": "middle", class: "area-label", "font-size": size });
    name.textContent = section.name;
    const small = Math.min(size * 0.7, (b.width / counts.length) * 1.6);
    const figures = el("text", { x: b.x + b.width / 2, y: b.y + b.height / 2 + size * 0.3 + small, "text-anchor": "middle", class: "area-label", "font-size": small });
    figures.textContent = counts;
    onActivate(area, () => {
      if (section.kind === "ga") { gaSection.value = section.name; gaCount.focus(); }
      else { shown = section.name; draw(); }
    });
    svg.append(area, name, figures);
  }
  function paint(c, i) {
    const code = statuses[i];
    c.setAttribute("class", "seat s" + code + (chosen.has(i) ? " mine" : ""));
    c.setAttribute("aria-checked", chosen.has(i) ? "true" : "false");
    c.setAttribute("aria-disabled", code === AVAILABLE ? "false" : "true");
    c.setAttribute("tabindex", code === AVAILABLE ? "0" : "-1");
    c.setAttribute("aria-label", describe(i) + ", " + (chosen.has(i) ? "chosen" : STATUS[code]));
  }
  function toggle(i, c) {
    if (statuses[i] !== AVAILABLE) { T.say(message, describe(i) + " is " + STATUS[statuses[i]] + ": only available seats can be blocked.", "notice"); return; }
    if (chosen.has(i)) chosen.delete(i); else chosen.add(i);
    paint(c, i);
    renderPicked();
  }
  function renderPicked() {
    const names = [...chosen].sort((a, b) => a - b).map(describe);
    picked.textContent = names.length ? names.length + " chosen: " + names.slice(0, 12).join("; ") + (names.length > 12 ? "; …" : "") : "No seats chosen.";
  }

  /** The first free places of a general admission section (places there are alike). */
  function gaPlaces() {
    const section = map.sections.find((s) => s.name === gaSection.value);
    const wanted = Math.max(0, Math.floor(Number(gaCount.value) || 0));
    const out = [];
    if (!section) return out;
    for (let i = section.firstIndex; i < section.firstIndex + section.count && out.length < wanted; i++) if (statuses[i] === AVAILABLE) out.push(i);
    return out;
  }

  async function refresh() {
    const [seats, blocks] = await Promise.all([T.api("/api/events/" + D.eventId + "/seats"), T.api("/api/events/" + D.eventId + "/blocks")]);
    if (!seats.ok || !blocks.ok) { T.say(message, (seats.ok ? blocks : seats).data.detail, "error"); return; }
    statuses = seats.data.statuses;
    for (const i of [...chosen]) if (statuses[i] !== AVAILABLE) chosen.delete(i);
    draw();
    renderPicked();
    renderBlocks(blocks.data.blocks);
  }

  /** A block's places in words: general admission counted per section, seats named (the first few). */
  function summarize(indexes) {
    const ga = new Map();
    const seats = [];
    for (const i of indexes) {
      const s = sectionOf(i);
      if (s && s.kind === "ga") ga.set(s.name, (ga.get(s.name) || 0) + 1); else seats.push(describe(i));
    }
    const parts = [...ga].map(([name, n]) => name + ", " + n + " general admission place" + (n === 1 ? "" : "s"));
    return parts.concat(seats.slice(0, 8)).join("; ") + (seats.length > 8 ? "; …" : "");
  }

  function renderBlocks(blocks) {
    list.replaceChildren();
    if (blocks.length === 0) { const li = document.createElement("li"); li.textContent = "No seats are blocked."; list.append(li); return; }
    for (const b of blocks) {
      const li = document.createElement("li");
      const seats = b.ticketIds.map((id) => Number(id.slice(id.lastIndexOf(".") + 1)));
      const what = document.createElement("p");
      what.textContent = b.reason + ": " + seats.length + " place" + (seats.length === 1 ? "" : "s") + " (" + summarize(seats) + ")";
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = "by " + b.createdBy + ", " + new Date(b.createdAt).toLocaleString();
      const release = document.createElement("button");
      release.type = "button"; release.className = "secondary"; release.textContent = "Release";
      release.setAttribute("aria-label", "Release the block " + b.reason + " (" + seats.length + " places)");
      release.addEventListener("click", async () => {
        release.disabled = true;
        const res = await T.api("/api/events/" + D.eventId + "/blocks/" + b.blockId, { method: "DELETE" });
        if (!res.ok) { release.disabled = false; T.say(message, res.data.detail, "error"); return; }
        T.say(message, "Released " + res.data.released.length + " places of " + b.reason + ": they are on sale again.", "notice");
        await refresh();
        D.changed("blocks");
      });
      li.append(what, meta, release);
      list.append(li);
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const seats = [...new Set([...chosen, ...gaPlaces()])];
    if (seats.length === 0) { T.say(message, "Choose seats on the map (or a number of general admission places) first.", "error"); return; }
    const reason = document.getElementById("block-reason").value.trim();
    const res = await T.api("/api/events/" + D.eventId + "/blocks", { method: "POST", body: { ticketIds: seats.map((i) => D.eventId + "." + i), reason } });
    if (res.status === 409) { T.say(message, res.data.detail + " Nothing was blocked; the map is updated, choose again.", "error"); await refresh(); return; }
    if (!res.ok) { T.say(message, res.data.detail, "error"); return; }
    T.say(message, "Blocked " + res.data.ticketIds.length + " places: " + res.data.reason + ".", "notice");
    chosen.clear();
    gaCount.value = "0";
    await refresh();
    D.changed("blocks");
  });
  overviewButton.addEventListener("click", () => { shown = null; draw(); });
  /** A cancelled event sells nothing: there is nothing to take off sale. */
  function showCancelled(cancelled) {
    form.hidden = cancelled;
    if (cancelled) T.say(message, "The event is cancelled: no seats can be blocked.", "notice");
  }
  document.addEventListener("dashboard-ready", (e) => {
    showCancelled(e.detail.status === "cancelled");
    map = e.detail.venue.seatMap;
    const ga = map.sections.filter((s) => s.kind === "ga");
    gaFields.hidden = ga.length === 0;
    gaSection.replaceChildren(...ga.map((s) => { const o = document.createElement("option"); o.value = s.name; o.textContent = s.name; return o; }));
    svg.setAttribute("aria-label", "Seats at " + e.detail.venue.name + ": choose available seats to block");
    shown = null;
    chosen.clear();
    refresh();
  });
  document.addEventListener("dashboard-changed", (e) => {
    if (e.detail.source === "cancel") showCancelled(true);
    if (map && e.detail.source !== "blocks") refresh();
  });
})();
`;
