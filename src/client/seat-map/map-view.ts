/**
 * The seat map on screen (one SVG): the stage or pitch, each section as its
 * shape coloured by how much is left (src/shared/seat-heat.ts) with a label
 * that fits it or is hidden, and, once the fan is close enough, the seats of
 * the sections in sight. Level of detail keeps a 90,000-seat stadium light:
 * the overview is a few dozen shapes; seats are drawn one section at a time
 * as sections come into view (each section's seats are built once and
 * kept), never more than SEAT_BUDGET at once. A venue small enough is drawn
 * seat by seat from the start. The fan's own seats stay marked when their
 * section is only a shape.
 *
 * Changes from the stream touch only what they change: the seats' elements
 * that exist, and the colour and name of the sections they are in.
 */
import { labelSize, mapShapes, type SectionShape } from "../../shared/seat-geometry";
import { heatOf } from "../../shared/seat-heat";
import type { Area, Section, SeatMap } from "../../shared/seat-map";
import { attachGestures, type Camera } from "./gestures";
import type { SeatMapState } from "./map-state";
import { clamp, fit, intersects, pan, zoomAt, type Limits, type View } from "./viewport";

const NS = "http://www.w3.org/2000/svg";
/** Venues up to this many places are drawn seat by seat at every zoom. */
export const DRAW_ALL_UNDER = 3000;
/** Seats drawn at once, at most. */
const SEAT_BUDGET = 12_000;
/** Seats are drawn once a seat pitch is this many pixels. */
const SEAT_PIXELS = 4;
/** Choosing a section zooms at least this close (pixels per seat pitch), so its seats can be tapped. */
const FOCUS_PIXELS = 8;
/** Label sizes on screen, in pixels. */
const LABEL_MIN = 9;
const LABEL_MAX = 15;

export interface MapViewOptions {
  /** "Block 4, row 12, seat 7, $89": what a seat is. */
  describeSeat(index: number): string;
  /** "$89" or "$89–$149" for a section. */
  priceOf(section: number): string;
  isSelected(index: number): boolean;
  isMine(index: number): boolean;
  onSeat(index: number): void;
  /** A general-admission section was chosen (it has no seats to pick). */
  onGeneralAdmission(section: Section): void;
  /** The view changed between "whole venue" and a closer look. */
  onZoomed?(zoomedIn: boolean): void;
}

export class MapView implements Camera {
  private readonly shapes: SectionShape[];
  private readonly areas: SVGPolygonElement[] = [];
  private readonly labels: SVGTextElement[] = [];
  /** Each seated section's seats, built on first sight. */
  private readonly seatGroups = new Map<number, { group: SVGGElement; circles: SVGCircleElement[] }>();
  private readonly seatLayer: SVGGElement;
  private readonly markLayer: SVGGElement;
  private readonly drawAll: boolean;
  private limits: Limits;
  private view: View;
  private home: View;
  private frame = 0;
  private shown = new Set<number>();

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly map: SeatMap,
    private readonly state: SeatMapState,
    private readonly options: MapViewOptions,
  ) {
    this.shapes = mapShapes(map);
    this.drawAll = state.size <= DRAW_ALL_UNDER;
    this.limits = this.measureLimits();
    this.home = fit(this.world(), this.limits, 0);
    this.view = this.home;
    svg.replaceChildren();
    if (map.stage) svg.append(this.stage(map.stage));
    const areaLayer = el("g", { class: "areas" });
    const labelLayer = el("g", { class: "area-labels", "aria-hidden": "true" });
    this.seatLayer = el("g", { class: "seats" });
    this.markLayer = el("g", { class: "marks", "aria-hidden": "true" });
    map.sections.forEach((section, k) => {
      const shape = this.shapes[k] as SectionShape;
      const area = el("polygon", { points: shape.outline.map((p) => `${round(p.x)},${round(p.y)}`).join(" "), class: "area", "data-section": section.name });
      area.addEventListener("click", () => this.chooseSection(k));
      area.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          this.chooseSection(k);
        }
      });
      const label = el("text", { class: "area-label", "text-anchor": "middle", "dominant-baseline": "central" });
      label.textContent = section.name;
      this.areas.push(area);
      this.labels.push(label);
      areaLayer.append(area);
      labelLayer.append(label);
    });
    svg.append(areaLayer, this.seatLayer, labelLayer, this.markLayer);
    attachGestures(svg, this);
    new ResizeObserver(() => this.resized()).observe(svg);
    this.sectionsChanged(map.sections.map((_, k) => k));
    this.apply();
  }

  // ---- Camera (gestures and buttons move the view through these) ----

  toMap(clientX: number, clientY: number): { x: number; y: number } {
    const r = this.svg.getBoundingClientRect();
    return { x: this.view.x + ((clientX - r.left) / (r.width || 1)) * this.view.width, y: this.view.y + ((clientY - r.top) / (r.height || 1)) * this.view.height };
  }

  unitsPerPixel(): number {
    return this.view.width / (this.svg.clientWidth || 1);
  }

  zoomAt(factor: number, at: { x: number; y: number }): void {
    this.setView(zoomAt(this.view, factor, at, this.limits));
  }

  /** Zooms about the middle of the view (the map's buttons). */
  zoomBy(factor: number): void {
    this.zoomAt(factor, { x: this.view.x + this.view.width / 2, y: this.view.y + this.view.height / 2 });
  }

  panBy(dx: number, dy: number): void {
    this.setView(pan(this.view, dx, dy, this.limits));
  }

  panShare(sx: number, sy: number): void {
    this.panBy(sx * this.view.width, sy * this.view.height);
  }

  reset(): void {
    this.setView(this.home);
  }

  /** Zooms to a section, close enough that its seats show (on a phone, to the middle of a large one). */
  focusSection(k: number): void {
    const shape = this.shapes[k];
    if (!shape) return;
    const whole = fit(shape.box, this.limits, 0.1);
    const seatsShow = (this.svg.clientWidth || 600) / FOCUS_PIXELS;
    if (whole.width <= seatsShow) return this.setView(whole);
    const c = shape.anchor;
    this.setView(clamp({ x: c.x - seatsShow / 2, y: c.y - (seatsShow * this.limits.aspect) / 2, width: seatsShow, height: seatsShow * this.limits.aspect }, this.limits));
  }

  get zoomedIn(): boolean {
    return this.view.width < this.home.width * 0.98;
  }

  // ---- Live changes ----

  /** Repaints changed seats (those drawn) and their sections. */
  seatsChanged(seats: Iterable<number>, sections: Iterable<number>): void {
    for (const i of seats) this.paintSeat(i);
    this.sectionsChanged(sections);
    this.drawMarks();
  }

  /** The fan's picks changed: repaint those seats and the marks. */
  picksChanged(seats: Iterable<number>): void {
    for (const i of seats) this.paintSeat(i);
    this.drawMarks();
  }

  /** Everything changed (a snapshot). */
  repaintAll(): void {
    for (const { circles } of this.seatGroups.values()) for (const c of circles) this.paintCircle(c, Number(c.dataset.i));
    this.sectionsChanged(this.map.sections.map((_, k) => k));
    this.drawMarks();
  }

  // ---- Drawing ----

  private setView(view: View): void {
    const wasZoomed = this.zoomedIn;
    this.view = view;
    if (!this.frame) this.frame = requestAnimationFrame(() => this.apply());
    if (wasZoomed !== this.zoomedIn) this.options.onZoomed?.(this.zoomedIn);
  }

  /** Puts the view on screen: viewBox, which sections show seats, label sizes. */
  private apply(): void {
    this.frame = 0;
    const v = this.view;
    this.svg.setAttribute("viewBox", `${round(v.x)} ${round(v.y)} ${round(v.width)} ${round(v.height)}`);
    const pixels = 1 / this.unitsPerPixel();
    const wanted = new Set<number>();
    if (this.drawAll || pixels >= SEAT_PIXELS) {
      let budget = this.drawAll ? Infinity : SEAT_BUDGET;
      this.map.sections.forEach((section, k) => {
        const shape = this.shapes[k] as SectionShape;
        if (section.kind !== "seated" || !intersects(shape.box, v) || section.count > budget) return;
        budget -= section.count;
        wanted.add(k);
      });
    }
    for (const k of this.shown) if (!wanted.has(k)) this.seatGroups.get(k)?.group.remove();
    for (const k of wanted) if (!this.shown.has(k)) this.seatLayer.append(this.seatsOf(k).group);
    this.shown = wanted;
    this.map.sections.forEach((_, k) => this.placeLabel(k, pixels));
    this.drawMarks();
  }

  private placeLabel(k: number, pixels: number): void {
    const label = this.labels[k] as SVGTextElement;
    const area = this.areas[k] as SVGPolygonElement;
    const shape = this.shapes[k] as SectionShape;
    const open = this.shown.has(k);
    area.classList.toggle("open", open);
    // An open section is its seats: the shape is only its background, not a button.
    area.setAttribute("tabindex", open ? "-1" : "0");
    if (open) area.removeAttribute("role");
    else area.setAttribute("role", "button");
    const section = this.map.sections[k];
    const name = section?.name ?? "";
    // Over its seats a label would hide them: it goes above the section instead.
    const room = open ? { length: shape.box.width, depth: 2.4 } : shape;
    // A name too long for its shape gives way to its last word ("Block 12" → "12").
    const short = name.split(/\s+/).pop() ?? name;
    let size = labelSize(room, name, LABEL_MIN / pixels, LABEL_MAX / pixels);
    let text = name;
    if (size === 0 && short !== name && short.length <= 4) {
      size = labelSize(room, short, LABEL_MIN / pixels, LABEL_MAX / pixels);
      text = short;
    }
    if (label.textContent !== text) label.textContent = text;
    if (size === 0) {
      label.setAttribute("display", "none");
      return;
    }
    const at = open ? { x: shape.box.x + shape.box.width / 2, y: shape.box.y - size * 0.7 } : shape.anchor;
    label.removeAttribute("display");
    label.setAttribute("x", String(round(at.x)));
    label.setAttribute("y", String(round(at.y)));
    label.setAttribute("font-size", String(round(size, 3)));
    label.setAttribute("transform", open || shape.angle === 0 ? "" : `rotate(${shape.angle} ${round(at.x)} ${round(at.y)})`);
  }

  private sectionsChanged(sections: Iterable<number>): void {
    for (const k of sections) {
      const section = this.map.sections[k];
      const area = this.areas[k];
      if (!section || !area) continue;
      const free = this.state.free(k);
      const heat = heatOf(this.state.live ? free : section.count, section.count);
      area.style.setProperty("--heat", heat.colour);
      const action = section.kind === "ga" ? "general admission: choose how many with best available" : "show seats";
      const left = this.state.live ? `${free.toLocaleString()} of ${section.count.toLocaleString()} available (${heat.name.toLowerCase()})` : `${section.count.toLocaleString()} places`;
      area.setAttribute("aria-label", `${section.name}, ${this.options.priceOf(k)}, ${left}, ${action}`);
    }
  }

  private chooseSection(k: number): void {
    const section = this.map.sections[k];
    if (!section) return;
    if (section.kind === "ga") this.options.onGeneralAdmission(section);
    else if (!this.shown.has(k)) this.focusSection(k);
  }

  private seatsOf(k: number): { group: SVGGElement; circles: SVGCircleElement[] } {
    const built = this.seatGroups.get(k);
    if (built) return built;
    const section = this.map.sections[k];
    const group = el("g", { "data-section": section?.name ?? "" });
    const circles: SVGCircleElement[] = [];
    if (section?.kind === "seated") {
      for (const row of section.rows) {
        for (let s = 0; s < row.seats.length; s++) {
          const i = row.firstIndex + s;
          const c = el("circle", { cx: String(row.x[s]), cy: String(row.y[s]), r: "0.42", role: "checkbox", "data-i": String(i) });
          this.paintCircle(c, i);
          circles.push(c);
        }
      }
    }
    group.append(...circles);
    // One listener per section, not per seat.
    group.addEventListener("click", (e) => this.seatEvent(e));
    group.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") this.seatEvent(e);
    });
    const entry = { group, circles };
    this.seatGroups.set(k, entry);
    return entry;
  }

  private seatEvent(e: Event): void {
    const target = e.target;
    if (!(target instanceof SVGCircleElement) || target.dataset.i === undefined) return;
    e.preventDefault();
    this.options.onSeat(Number(target.dataset.i));
  }

  private paintSeat(i: number): void {
    const k = this.state.sectionOf[i];
    if (k === undefined) return;
    const section = this.map.sections[k];
    const group = this.seatGroups.get(k);
    if (!group || section?.kind !== "seated") return;
    const c = group.circles[i - section.firstIndex];
    if (c) this.paintCircle(c, i);
  }

  private paintCircle(c: SVGCircleElement, i: number): void {
    const code = this.state.live ? (this.state.codes[i] ?? 0) : 0;
    const selected = this.options.isSelected(i);
    const mine = this.options.isMine(i);
    const word = mine ? "yours" : selected ? "selected" : this.state.status(i);
    c.setAttribute("class", `seat s${code}${selected || mine ? " mine" : ""}`);
    c.setAttribute("aria-checked", selected ? "true" : "false");
    c.setAttribute("aria-disabled", code === 0 || mine ? "false" : "true");
    c.setAttribute("tabindex", code === 0 ? "0" : "-1");
    c.setAttribute("aria-label", `${this.options.describeSeat(i)}, ${word}`);
  }

  /** The fan's seats in sections drawn only as shapes: a dot each, so they stay in sight. */
  private drawMarks(): void {
    const r = Math.max(0.42, 4 * this.unitsPerPixel());
    const marks: SVGCircleElement[] = [];
    this.map.sections.forEach((section, k) => {
      if (section.kind !== "seated" || this.shown.has(k)) return;
      for (const row of section.rows) {
        for (let s = 0; s < row.seats.length; s++) {
          const i = row.firstIndex + s;
          if (this.options.isSelected(i) || this.options.isMine(i)) marks.push(el("circle", { cx: String(row.x[s]), cy: String(row.y[s]), r: String(round(r, 3)), class: "mark" }));
        }
      }
    });
    this.markLayer.replaceChildren(...marks);
  }

  private stage(stage: Area & { label: string }): SVGGElement {
    const g = el("g", { class: "stage", "aria-hidden": "true" });
    const rect = el("rect", { x: String(stage.x), y: String(stage.y), width: String(stage.width), height: String(stage.height), rx: String(Math.min(stage.width, stage.height) * 0.04) });
    const text = el("text", { x: String(stage.x + stage.width / 2), y: String(stage.y + stage.height / 2), "text-anchor": "middle", "dominant-baseline": "central", "font-size": String(Math.min(stage.height * 0.4, stage.width / (0.62 * (stage.label.length + 2)), Math.max(stage.width, stage.height) * 0.06)) });
    text.textContent = stage.label;
    g.append(rect, text);
    return g;
  }

  private world(): Area {
    return { x: 0, y: 0, width: this.map.width, height: this.map.height };
  }

  private measureLimits(): Limits {
    const width = this.svg.clientWidth || 600;
    const height = this.svg.clientHeight || 400;
    return { world: this.world(), minWidth: 14, aspect: height / width };
  }

  private resized(): void {
    const before = this.limits.aspect;
    this.limits = this.measureLimits();
    if (Math.abs(before - this.limits.aspect) < 0.001) return;
    const wasHome = !this.zoomedIn;
    this.home = fit(this.world(), this.limits, 0);
    this.setView(wasHome ? this.home : clamp({ ...this.view, height: this.view.width * this.limits.aspect }, this.limits));
  }
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
