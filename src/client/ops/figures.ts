/**
 * Showing one frame of figures: the words and numbers of view.ts in the
 * page's `data-figure` elements, the paused banner, the parts that are not
 * current dimmed, the sections' table with its bars, and the per-minute
 * charts (SVG drawn here, with a title, a description and a legend).
 */
import type { OpsFigures } from "../../shared/ops";
import { byId, part } from "../shell/page";
import type { Live } from "./context";
import { el, svg } from "./dom";
import { type ChartSeries, chartModel, opsView, type SectionRow } from "./view";

const HOLD_SERIES: ChartSeries[] = [
  { key: "holdsCreated", label: "Created" },
  { key: "holdsBooked", label: "Booked" },
  { key: "holdsReleased", label: "Released" },
  { key: "holdsExpired", label: "Expired" },
];
const QUEUE_SERIES: ChartSeries[] = [
  { key: "joined", label: "Joined" },
  { key: "admitted", label: "Admitted" },
  { key: "waiting", label: "Waiting" },
];

export function showFigures(live: Live, figures: OpsFigures): void {
  live.latest = figures;
  const v = opsView(figures);
  byId("event-name").textContent = v.title;
  byId("event-meta").textContent = v.meta;
  document.title = `${v.title} · Live · Edge Tickets`;
  for (const dd of document.querySelectorAll<HTMLElement>("[data-figure]")) {
    const text = v.figures[dd.dataset.figure ?? ""];
    if (text !== undefined) dd.textContent = text;
  }
  byId("paused-banner").hidden = !v.paused;
  if (v.paused) {
    byId("paused-headline").textContent = v.paused.headline;
    byId("paused-detail").textContent = v.paused.detail;
  }
  byId("pause-form").hidden = !!v.paused;
  byId("resume-form").hidden = !v.paused;
  const warning = byId("unavailable");
  warning.hidden = !v.unavailable;
  warning.textContent = v.unavailable ?? "";
  for (const [name, stale] of Object.entries(v.stale)) {
    for (const panel of document.querySelectorAll(`[data-part="${name}"]`)) panel.classList.toggle("is-stale", stale);
  }
  byId("queue-panel").hidden = !v.queueShown;
  byId("queue-form-box").hidden = !v.queueShown;
  byId("queue-none").hidden = v.queueShown;
  if (figures.seatRoom) {
    showSections(v.sections);
    drawChart(byId("holds-chart"), figures.seatRoom.history, HOLD_SERIES, [], "Holds per minute, the last hour");
  }
  if (figures.queue) drawChart(byId("queue-chart"), figures.queue.history, QUEUE_SERIES, ["waiting"], "Waiting room per minute, the last hour");
}

function showSections(rows: SectionRow[]): void {
  part("#sections tbody").replaceChildren(
    ...rows.map((r) => {
      const tr = el("tr");
      tr.append(el("th", { scope: "row", textContent: r.name }));
      // The places and the bar only where there is room (CSS hides .ops-wide-only on a phone).
      r.cells.forEach((c, i) => tr.append(el("td", { textContent: c, className: i === 4 ? "ops-wide-only" : "" })));
      const bar = el("span", { className: "ops-bar" });
      bar.setAttribute("role", "img");
      bar.setAttribute("aria-label", r.label);
      ["available", "held", "sold", "blocked"].forEach((status, i) => {
        const share = el("span", { className: `ops-bar-${status}` });
        share.style.width = `${(r.shares[i] ?? 0).toFixed(2)}%`;
        bar.append(share);
      });
      tr.append(el("td", { className: "ops-bar-cell ops-wide-only" }, bar));
      return tr;
    }),
  );
}

function drawChart(box: HTMLElement, minutes: readonly { at: number }[], series: ChartSeries[], levels: string[], title: string): void {
  const m = chartModel(minutes, series, levels, Math.round(Math.max(300, Math.min(760, box.clientWidth || 640))));
  const id = box.id;
  const root = svg("svg", { viewBox: `0 0 ${m.width} ${m.height}`, role: "img", "aria-labelledby": `${id}-title ${id}-desc`, class: "ops-chart" });
  root.append(svg("title", { id: `${id}-title` }, title), svg("desc", { id: `${id}-desc` }, m.description));
  const [left, , right, bottom] = m.box;
  for (const g of m.grid) {
    root.append(svg("line", { x1: left, x2: right, y1: g.y, y2: g.y, class: "grid" }));
    root.append(svg("text", { x: left - 6, y: g.y + 4, "text-anchor": "end", class: "axis" }, g.label));
  }
  for (const t of m.times) root.append(svg("text", { x: t.x, y: bottom + 18, "text-anchor": t.label === "now" ? "end" : "middle", class: "axis" }, t.label));
  for (const line of m.lines) root.append(svg("polyline", { points: line.points, class: `line s-${line.key}`, fill: "none" }));
  box.replaceChildren(root);
  byId(`${id}-legend`).replaceChildren(
    ...m.lines.map((l) => {
      const item = el("li");
      const swatch = el("span", { className: `ops-swatch s-${l.key}` });
      swatch.setAttribute("aria-hidden", "true");
      item.append(swatch, el("span", { textContent: l.label + (levels.includes(l.key) ? `: ${l.last} now` : `: ${l.total} this hour`) }));
      return item;
    }),
  );
}
