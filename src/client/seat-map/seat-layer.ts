/**
 * The seats of the seat map: one SVG group per seated section, built the
 * first time the section is drawn and kept (a section comes and goes as the
 * fan pans), and the marks that keep the fan's own seats in sight while their
 * section is only a shape.
 *
 * - A change repaints a seat only if its section is drawn; a section not
 *   drawn is marked dirty and repainted when it comes back.
 * - A section's seats are one tab stop (the seat last visited); the arrow
 *   keys move between them (seat-keys.ts). Focus inside a group that leaves
 *   the page goes to its section's shape, not to the page's body.
 */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { seatAt } from "../../shared/seat-geometry";
import type { SeatMap } from "../../shared/seat-map";
import { seatTypeOf } from "../../shared/seat-types";
import { pageLanguage } from "../shell/language";
import type { SeatMapState } from "./map-state";
import { seatStep } from "./seat-keys";
import { round, svgElement } from "./svg";

export interface SeatOptions {
  describeSeat(index: number): string;
  isSelected(index: number): boolean;
  isMine(index: number): boolean;
  /** Every seat picked or held by the fan (a handful). */
  picked(): Iterable<number>;
  onSeat(index: number): void;
}

interface SeatGroup {
  group: SVGGElement;
  circles: SVGCircleElement[];
}

export class SeatLayer {
  readonly layer = svgElement("g", { class: "seats" });
  readonly marks = svgElement("g", { class: "marks", "aria-hidden": "true" });
  /** Sections whose seats are on the page. */
  shown = new Set<number>();
  private readonly groups = new Map<number, SeatGroup>();
  /** Each built section's one tab stop. */
  private readonly entry = new Map<number, number>();
  private readonly dirty = new Set<number>();
  /** What each seat element shows (see paint), and its name: repainting the same state writes nothing. */
  private readonly painted = new WeakMap<SVGCircleElement, number>();
  private readonly names = new WeakMap<SVGCircleElement, string>();
  private readonly words = EVENT_COPY[pageLanguage()];

  constructor(
    private readonly map: SeatMap,
    private readonly state: SeatMapState,
    private readonly options: SeatOptions,
    /** Where focus goes when a section's seats leave the page. */
    private readonly shapeOf: (section: number) => SVGElement | undefined,
  ) {}

  /** Puts exactly these sections' seats on the page. */
  show(wanted: Set<number>): void {
    for (const k of this.shown) if (!wanted.has(k)) this.hide(k);
    for (const k of wanted) {
      if (this.shown.has(k)) continue;
      const seats = this.groupOf(k);
      if (this.dirty.delete(k)) for (const c of seats.circles) this.paint(c, Number(c.dataset.i));
      this.layer.append(seats.group);
    }
    this.shown = wanted;
  }

  /** Repaints one seat (now if drawn, else when its section is drawn again). */
  repaint(i: number): void {
    const k = this.state.sectionOf[i];
    const section = k === undefined ? undefined : this.map.sections[k];
    const seats = k === undefined ? undefined : this.groups.get(k);
    if (k === undefined || !seats || section?.kind !== "seated") return;
    if (!this.shown.has(k)) {
      this.dirty.add(k);
      return;
    }
    const c = seats.circles[i - section.firstIndex];
    if (c) this.paint(c, i);
  }

  repaintAll(): void {
    for (const [k, { circles }] of this.groups) {
      if (this.shown.has(k)) for (const c of circles) this.paint(c, Number(c.dataset.i));
      else this.dirty.add(k);
    }
  }

  /** Focuses the section's tab stop, if its seats are on the page. */
  focusEntry(k: number): void {
    const section = this.map.sections[k];
    const at = this.entry.get(k);
    if (!section || at === undefined || !this.shown.has(k)) return;
    this.groups.get(k)?.circles[at - section.firstIndex]?.focus();
  }

  /** The fan's seats in sections drawn only as shapes: a dot each, `unitsPerPixel` sized. */
  drawMarks(unitsPerPixel: number): void {
    const r = String(round(Math.max(0.42, 4 * unitsPerPixel), 3));
    const marks: SVGCircleElement[] = [];
    for (const i of new Set(this.options.picked())) {
      const k = this.state.sectionOf[i];
      if (k === undefined || this.shown.has(k)) continue;
      const at = seatAt(this.map.sections[k], i);
      if (at) marks.push(svgElement("circle", { cx: String(at.x), cy: String(at.y), r, class: "mark" }));
    }
    this.marks.replaceChildren(...marks);
  }

  private hide(k: number): void {
    const seats = this.groups.get(k);
    if (!seats) return;
    if (seats.group.contains(document.activeElement)) this.shapeOf(k)?.focus();
    seats.group.remove();
  }

  private groupOf(k: number): SeatGroup {
    const built = this.groups.get(k);
    if (built) return built;
    const section = this.map.sections[k];
    const group = svgElement("g", { "data-section": section?.name ?? "" });
    const circles: SVGCircleElement[] = [];
    const icons: SVGTextElement[] = [];
    if (section?.kind === "seated") {
      // The tab stop starts on the first seat for sale (or the first seat).
      let entry = section.firstIndex;
      for (let i = section.firstIndex; i < section.firstIndex + section.count; i++) {
        if (this.state.isAvailable(i)) {
          entry = i;
          break;
        }
      }
      this.entry.set(k, entry);
      for (const row of section.rows) {
        for (let s = 0; s < row.seats.length; s++) {
          const i = row.firstIndex + s;
          const c = svgElement("circle", { cx: String(row.x[s]), cy: String(row.y[s]), r: "0.42", role: "checkbox", "data-i": String(i) });
          const type = seatTypeOf(row, i);
          if (type !== "standard") c.dataset.type = type;
          this.paint(c, i);
          circles.push(c);
          // The wheelchair symbol on the space itself; the seat's name says it too.
          if (type === "wheelchair") icons.push(svgElement("text", { x: String(row.x[s]), y: String(row.y[s]), class: "seat-icon", "aria-hidden": "true" }));
        }
      }
    }
    for (const icon of icons) icon.textContent = "♿";
    group.append(...circles, ...icons);
    // One listener of each kind per section, not per seat.
    group.addEventListener("click", (e) => this.choose(e));
    group.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") return this.choose(e);
      const from = e.target instanceof SVGCircleElement ? Number(e.target.dataset.i) : Number.NaN;
      const to = section && Number.isInteger(from) ? seatStep(section, from, e.key) : undefined;
      if (to === undefined || !section) return;
      e.preventDefault();
      circles[to - section.firstIndex]?.focus();
    });
    group.addEventListener("focusin", (e) => {
      if (!(e.target instanceof SVGCircleElement) || !section) return;
      const before = this.entry.get(k);
      this.entry.set(k, Number(e.target.dataset.i));
      if (before !== undefined) circles[before - section.firstIndex]?.setAttribute("tabindex", "-1");
      e.target.setAttribute("tabindex", "0");
    });
    const seats = { group, circles };
    this.groups.set(k, seats);
    return seats;
  }

  private choose(e: Event): void {
    const target = e.target;
    if (!(target instanceof SVGCircleElement) || target.dataset.i === undefined) return;
    e.preventDefault();
    this.options.onSeat(Number(target.dataset.i));
  }

  /**
   * Puts a seat's state on its element, touching only what changed since it
   * was last painted: a 1,000-seat delta is 1,000 small writes, not 5,000.
   */
  private paint(c: SVGCircleElement, i: number): void {
    const code = this.state.live ? (this.state.codes[i] ?? 0) : 0;
    const selected = this.options.isSelected(i);
    const mine = this.options.isMine(i);
    const entry = this.entry.get(this.state.sectionOf[i] ?? -1) === i;
    // code (0-3) | selected | mine | tab stop, in one number.
    const painted = code | (selected ? 4 : 0) | (mine ? 8 : 0) | (entry ? 16 : 0);
    if (this.painted.get(c) === painted) return;
    this.painted.set(c, painted);
    const state = mine ? "yours" : selected ? "selected" : this.state.status(i);
    c.setAttribute("class", `seat s${code}${selected || mine ? " mine" : ""}${c.dataset.type ? ` ${c.dataset.type}` : ""}`);
    c.setAttribute("aria-checked", selected ? "true" : "false");
    c.setAttribute("aria-disabled", code === 0 || mine ? "false" : "true");
    c.setAttribute("tabindex", entry ? "0" : "-1");
    let name = this.names.get(c);
    if (name === undefined) this.names.set(c, (name = this.options.describeSeat(i)));
    c.setAttribute("aria-label", this.words.seatLabel({ name, state }));
  }
}
