/**
 * The blocks panel's seat map (#blockmap): the venue coloured by seat
 * status, where the organizer chooses available seats (click, or Tab and
 * Enter) and picks a general admission section to block places by count.
 *
 * A venue of more than BIG places is drawn as one box per section with its
 * counts, and a seated section's seats only once it is opened, so a stadium
 * never puts 90,000 elements in the page.
 */
import type { EventDetail } from "../../shared/catalog";
import { SEAT_STATUSES, STATUS_CODES } from "../../shared/room-protocol";
import { byId } from "../shell/page";

type SeatMap = EventDetail["venue"]["seatMap"];
type Section = SeatMap["sections"][number];
type SeatedRow = Extract<Section, { kind: "seated" }>["rows"][number];
interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The seat status codes of the room protocol (one character per seat in GET /seats): code → name. */
const STATUS: Record<string, string> = Object.fromEntries(SEAT_STATUSES.map((s) => [String.fromCharCode(STATUS_CODES[s]), s]));
export const AVAILABLE = String.fromCharCode(STATUS_CODES.available);
const BLOCKED = String.fromCharCode(STATUS_CODES.blocked);
const BIG = 3000;
const NS = "http://www.w3.org/2000/svg";

/** The least and greatest coordinate of a section's seats on one axis (no spread: a section may have thousands). */
function extent(rows: SeatedRow[], axis: "x" | "y"): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows)
    for (const v of row[axis]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return [lo, hi];
}

function bounds(section: Section): Box {
  if (section.kind === "ga") return section.area;
  const [x0, x1] = extent(section.rows, "x");
  const [y0, y1] = extent(section.rows, "y");
  return { x: x0 - 0.5, y: y0 - 0.5, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function onActivate(target: SVGElement, action: () => void): void {
  target.addEventListener("click", action);
  target.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      action();
    }
  });
}

function blockMap(): SVGSVGElement {
  const svg = document.getElementById("blockmap");
  if (!(svg instanceof SVGSVGElement)) throw new Error("the page has no svg#blockmap");
  return svg;
}

export class SeatPicker {
  /** The seats chosen on the map, by seat index. */
  readonly chosen = new Set<number>();
  /** One status code per seat, from GET /seats. */
  statuses = "";
  private map: SeatMap | null = null;
  /** The seated section drawn on its own, or null for the whole venue. */
  private shown: string | null = null;
  private readonly svg = blockMap();
  private readonly picked = byId("block-picked");
  private readonly overviewButton = byId("block-overview");
  private readonly gaSection = byId<HTMLSelectElement>("ga-section");
  private readonly gaCount = byId<HTMLInputElement>("ga-count");

  /** `onRefused` says why a seat cannot be chosen. */
  constructor(private readonly onRefused: (text: string) => void) {
    this.overviewButton.addEventListener("click", () => {
      this.shown = null;
      this.draw();
    });
  }

  get ready(): boolean {
    return this.map !== null;
  }

  /** A new event's map: the whole venue, nothing chosen; the general admission sections offered by name. */
  reset(detail: EventDetail): void {
    const map = detail.venue.seatMap;
    this.map = map;
    const ga = map.sections.filter((s) => s.kind === "ga");
    byId("ga-fields").hidden = ga.length === 0;
    this.gaSection.replaceChildren(
      ...ga.map((s) => {
        const o = document.createElement("option");
        o.value = s.name;
        o.textContent = s.name;
        return o;
      }),
    );
    this.svg.setAttribute("aria-label", `Seats at ${detail.venue.name}: choose available seats to block`);
    this.shown = null;
    this.chosen.clear();
  }

  /** New statuses: seats no longer available are unchosen; the map and the choice are drawn again. */
  update(statuses: string): void {
    this.statuses = statuses;
    for (const i of [...this.chosen]) if (statuses[i] !== AVAILABLE) this.chosen.delete(i);
    this.draw();
    this.renderPicked();
  }

  sectionOf(i: number): Section | undefined {
    return this.map?.sections.find((s) => i >= s.firstIndex && i < s.firstIndex + s.count);
  }

  describe(i: number): string {
    const s = this.sectionOf(i);
    if (!s) return `place ${i}`;
    if (s.kind !== "seated") return `${s.name}, general admission`;
    const row = s.rows.find((r) => i >= r.firstIndex && i < r.firstIndex + r.seats.length);
    return row ? `${s.name}, row ${row.name}, seat ${row.seats[i - row.firstIndex]}` : s.name;
  }

  /** The first free places of the general admission section asked for (places there are alike). */
  gaPlaces(): number[] {
    const section = this.map?.sections.find((s) => s.name === this.gaSection.value);
    const wanted = Math.max(0, Math.floor(Number(this.gaCount.value) || 0));
    const out: number[] = [];
    if (!section) return out;
    for (let i = section.firstIndex; i < section.firstIndex + section.count && out.length < wanted; i++) if (this.statuses[i] === AVAILABLE) out.push(i);
    return out;
  }

  /** After a block: nothing chosen, no general admission places asked for. */
  clear(): void {
    this.chosen.clear();
    this.gaCount.value = "0";
  }

  private tally(section: Section, code: string): number {
    let n = 0;
    for (let i = section.firstIndex; i < section.firstIndex + section.count; i++) if (this.statuses[i] === code) n++;
    return n;
  }

  private draw(): void {
    const map = this.map;
    if (!map) return;
    const svg = this.svg;
    svg.replaceChildren();
    const overview = this.shown === null && map.sections.reduce((n, s) => n + s.count, 0) > BIG;
    this.overviewButton.hidden = this.shown === null;
    const sections = this.shown === null ? map.sections : map.sections.filter((s) => s.name === this.shown);
    const first = sections[0];
    const box = this.shown === null || !first ? { x: 0, y: 0, width: map.width, height: map.height } : bounds(first);
    svg.setAttribute("viewBox", [box.x - 1, box.y - 1, box.width + 2, box.height + 2].join(" "));
    svg.style.minWidth = overview ? "" : `${Math.round((box.width + 2) * 14)}px`;
    for (const section of sections) {
      if (section.kind === "ga" || overview) {
        this.drawArea(section);
        continue;
      }
      for (const row of section.rows)
        for (let k = 0; k < row.seats.length; k++) {
          const i = row.firstIndex + k;
          const c = el("circle", { cx: row.x[k] ?? 0, cy: row.y[k] ?? 0, r: 0.42, role: "checkbox", "data-i": i });
          this.paint(c, i);
          onActivate(c, () => this.toggle(i, c));
          svg.append(c);
        }
    }
  }

  private drawArea(section: Section): void {
    const b = bounds(section);
    const counts = `${this.tally(section, AVAILABLE)} available, ${this.tally(section, BLOCKED)} blocked`;
    const area = el("rect", { x: b.x, y: b.y, width: b.width, height: b.height, class: "area", tabindex: "0", role: "button" });
    area.setAttribute("aria-label", `${section.name}: ${counts}${section.kind === "ga" ? ", general admission: block places by count" : ", show its seats"}`);
    const size = Math.min(b.height / 4, (b.width / Math.max(6, section.name.length)) * 1.5);
    const name = el("text", { x: b.x + b.width / 2, y: b.y + b.height / 2, "text-anchor": "middle", class: "area-label", "font-size": size });
    name.textContent = section.name;
    const small = Math.min(size * 0.7, (b.width / counts.length) * 1.6);
    const figures = el("text", { x: b.x + b.width / 2, y: b.y + b.height / 2 + size * 0.3 + small, "text-anchor": "middle", class: "area-label", "font-size": small });
    figures.textContent = counts;
    onActivate(area, () => {
      if (section.kind === "ga") {
        this.gaSection.value = section.name;
        this.gaCount.focus();
      } else {
        this.shown = section.name;
        this.draw();
      }
    });
    this.svg.append(area, name, figures);
  }

  private paint(c: SVGElement, i: number): void {
    const code = this.statuses[i] ?? "";
    const chosen = this.chosen.has(i);
    c.setAttribute("class", `seat s${code}${chosen ? " mine" : ""}`);
    c.setAttribute("aria-checked", chosen ? "true" : "false");
    c.setAttribute("aria-disabled", code === AVAILABLE ? "false" : "true");
    c.setAttribute("tabindex", code === AVAILABLE ? "0" : "-1");
    c.setAttribute("aria-label", `${this.describe(i)}, ${chosen ? "chosen" : STATUS[code]}`);
  }

  private toggle(i: number, c: SVGElement): void {
    const code = this.statuses[i] ?? "";
    if (code !== AVAILABLE) {
      this.onRefused(`${this.describe(i)} is ${STATUS[code]}: only available seats can be blocked.`);
      return;
    }
    if (this.chosen.has(i)) this.chosen.delete(i);
    else this.chosen.add(i);
    this.paint(c, i);
    this.renderPicked();
  }

  private renderPicked(): void {
    const names = [...this.chosen].sort((a, b) => a - b).map((i) => this.describe(i));
    this.picked.textContent = names.length ? `${names.length} chosen: ${names.slice(0, 12).join("; ")}${names.length > 12 ? "; …" : ""}` : "No seats chosen.";
  }
}
