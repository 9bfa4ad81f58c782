/**
 * The seat map on screen (one SVG): the stage or pitch, each section as its
 * shape coloured by how much is left (src/shared/seat-heat.ts) with a label
 * that fits it or is hidden, and, once the fan is close enough, the seats of
 * the sections in sight. Level of detail keeps a 90,000-seat stadium light:
 * the overview is a few dozen shapes; seats are drawn one section at a time
 * as sections come into view (seat-layer.ts builds each once and keeps it),
 * nearest the middle of the view first and the section the fan chose before
 * any, within SEAT_BUDGET. A venue small enough is drawn seat by seat from
 * the start. The fan's own seats stay marked when their section is only a
 * shape. Whatever the keyboard focuses is brought into sight.
 *
 * Changes from the stream touch only what they change: the seats' elements
 * that exist, and the colour and name of the sections they are in.
 */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { labelSize, mapShapes, nearestSeat, type SectionShape } from "../../shared/seat-geometry";
import { heatOf } from "../../shared/seat-heat";
import { SEAT_TYPE_CODES } from "../../shared/seat-types";
import type { Area, Section, SeatMap } from "../../shared/seat-map";
import { pageLanguage } from "../shell/language";
import { attachGestures, type Camera } from "./gestures";
import { SeatLayer, type SeatOptions } from "./seat-layer";
import { round, svgElement } from "./svg";
import type { SeatMapState } from "./map-state";
import { clamp, fit, intersects, pan, zoomAt, type Limits, type View } from "./viewport";

/** Venues up to this many places are drawn seat by seat at every zoom. */
export const DRAW_ALL_UNDER = 3000;
/** Seats drawn at once, at most. */
const SEAT_BUDGET = 12_000;
/** Seats are drawn once a seat pitch is this many pixels. */
const SEAT_PIXELS = 4;
/** Choosing a section zooms at least this close (pixels per seat pitch), so its seats can be tapped. */
const FOCUS_PIXELS = 8;
/** How far (CSS pixels) from a seat a tap between seats may land and still pick it: about half a fingertip. */
const TAP_PIXELS = 14;
/** Label sizes on screen, in pixels. */
const LABEL_MIN = 9;
const LABEL_MAX = 15;

export interface MapViewOptions extends SeatOptions {
  /** "$89" or "$89–$149" for a section. */
  priceOf(section: number): string;
  /** A general-admission section was chosen (it has no seats to pick). */
  onGeneralAdmission(section: Section): void;
  /** The view changed between "whole venue" and a closer look. */
  onZoomed?(zoomedIn: boolean): void;
}

export class MapView implements Camera {
  private readonly shapes: SectionShape[];
  private readonly areas: SVGPolygonElement[] = [];
  private readonly labels: SVGTextElement[] = [];
  private readonly seats: SeatLayer;
  private readonly drawAll: boolean;
  private limits: Limits;
  private view: View;
  private home: View;
  private frame = 0;
  /** The section the fan last chose: drawn first, whatever the budget. */
  private focused = -1;

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
    const areaLayer = svgElement("g", { class: "areas" });
    const labelLayer = svgElement("g", { class: "area-labels", "aria-hidden": "true" });
    this.seats = new SeatLayer(map, state, options, (k) => this.areas[k]);
    map.sections.forEach((section, k) => {
      const shape = this.shapes[k] as SectionShape;
      const area = svgElement("polygon", { points: shape.outline.map((p) => `${round(p.x)},${round(p.y)}`).join(" "), class: "area", "data-section": section.name });
      area.addEventListener("click", (e) => this.chooseSection(k, false, e));
      area.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          this.chooseSection(k, true);
        }
      });
      if (hasWheelchairSpaces(section)) area.classList.add("has-accessible");
      const label = svgElement("text", { class: "area-label", "text-anchor": "middle", "dominant-baseline": "central" });
      label.textContent = section.name;
      this.areas.push(area);
      this.labels.push(label);
      areaLayer.append(area);
      labelLayer.append(label);
    });
    svg.append(areaLayer, this.seats.layer, labelLayer, this.seats.marks);
    attachGestures(svg, this);
    // What the keyboard focuses comes into sight.
    svg.addEventListener("focusin", (e) => this.bringIntoSight(e.target));
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
    this.focused = k;
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
    for (const i of seats) this.seats.repaint(i);
    this.sectionsChanged(sections);
    // A picked seat taken by someone else is no longer the fan's.
    this.seats.drawMarks(this.unitsPerPixel());
  }

  /** The fan's picks changed: repaint those seats and the marks. */
  picksChanged(seats: Iterable<number>): void {
    for (const i of seats) this.seats.repaint(i);
    this.seats.drawMarks(this.unitsPerPixel());
  }

  /** Everything changed (a snapshot). */
  repaintAll(): void {
    this.seats.repaintAll();
    this.sectionsChanged(this.map.sections.map((_, k) => k));
    this.seats.drawMarks(this.unitsPerPixel());
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
    // A little below the threshold, seats already shown stay: no flicker at the edge of it.
    if (this.drawAll || pixels >= SEAT_PIXELS || (this.seats.shown.size > 0 && pixels >= SEAT_PIXELS * 0.85)) {
      let budget = this.drawAll ? Infinity : SEAT_BUDGET;
      // Nearest the middle of the view first, and the section the fan chose before any: it always shows, whatever its size.
      const cx = v.x + v.width / 2;
      const cy = v.y + v.height / 2;
      const distance = (k: number) => {
        const b = (this.shapes[k] as SectionShape).box;
        return k === this.focused ? -1 : Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
      };
      const inSight = this.map.sections.map((_, k) => k).filter((k) => this.map.sections[k]?.kind === "seated" && intersects((this.shapes[k] as SectionShape).box, v));
      for (const k of inSight.sort((a, b) => distance(a) - distance(b))) {
        const count = this.map.sections[k]?.count ?? 0;
        if (count > budget && !(k === this.focused || wanted.size === 0)) continue;
        budget -= count;
        wanted.add(k);
      }
    }
    this.seats.show(wanted);
    this.map.sections.forEach((_, k) => this.placeLabel(k, pixels));
    this.seats.drawMarks(this.unitsPerPixel());
  }

  private placeLabel(k: number, pixels: number): void {
    const label = this.labels[k] as SVGTextElement;
    const area = this.areas[k] as SVGPolygonElement;
    const shape = this.shapes[k] as SectionShape;
    const open = this.seats.shown.has(k);
    area.classList.toggle("open", open);
    // An open section is its seats: the shape is only its background, not a button.
    area.setAttribute("tabindex", open ? "-1" : "0");
    if (open) {
      area.removeAttribute("role");
      area.setAttribute("aria-hidden", "true");
    } else {
      area.setAttribute("role", "button");
      area.removeAttribute("aria-hidden");
    }
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
      const kind = section.kind === "ga" ? "ga" : hasWheelchairSpaces(section) ? "accessible" : "seated";
      const name = EVENT_COPY[pageLanguage()].sectionLabel({
        section: section.name,
        price: this.options.priceOf(k),
        live: this.state.live,
        free,
        total: section.count,
        heat: heat.id,
        kind,
      });
      area.setAttribute("aria-label", name);
    }
  }

  private chooseSection(k: number, byKeyboard = false, tap?: MouseEvent): void {
    const section = this.map.sections[k];
    if (!section) return;
    if (section.kind === "ga") return this.options.onGeneralAdmission(section);
    if (this.seats.shown.has(k)) {
      // A tap between the seats drawn (a finger is wider than a seat on a phone) picks the nearest one within reach.
      const seat = tap ? nearestSeat(section, this.toMap(tap.clientX, tap.clientY), Math.max(0.6, TAP_PIXELS * this.unitsPerPixel())) : undefined;
      if (seat !== undefined) this.options.onSeat(seat);
      return;
    }
    this.focusSection(k);
    // From the keyboard, the next stop is the section's seats, not the next section.
    if (byKeyboard) requestAnimationFrame(() => this.seats.focusEntry(k));
  }

  private bringIntoSight(target: EventTarget | null): void {
    let at: { x: number; y: number } | undefined;
    if (target instanceof SVGCircleElement) at = { x: Number(target.getAttribute("cx")), y: Number(target.getAttribute("cy")) };
    else if (target instanceof SVGPolygonElement) at = this.shapes[this.areas.indexOf(target)]?.anchor;
    if (!at) return;
    const v = this.view;
    const margin = Math.min(v.width, v.height) * 0.05;
    if (at.x >= v.x + margin && at.x <= v.x + v.width - margin && at.y >= v.y + margin && at.y <= v.y + v.height - margin) return;
    this.setView(clamp({ ...v, x: at.x - v.width / 2, y: at.y - v.height / 2 }, this.limits));
  }

  private stage(stage: Area & { label: string }): SVGGElement {
    const g = svgElement("g", { class: "stage", "aria-hidden": "true" });
    const rect = svgElement("rect", { x: String(stage.x), y: String(stage.y), width: String(stage.width), height: String(stage.height), rx: String(Math.min(stage.width, stage.height) * 0.04) });
    const text = svgElement("text", { x: String(stage.x + stage.width / 2), y: String(stage.y + stage.height / 2), "text-anchor": "middle", "dominant-baseline": "central", "font-size": String(Math.min(stage.height * 0.4, stage.width / (0.62 * (stage.label.length + 2)), Math.max(stage.width, stage.height) * 0.06)) });
    text.textContent = stage.label;
    g.append(rect, text);
    return g;
  }

  /** The map and everything drawn on it (seat circles and outlines reach past the seats' centres). */
  private world(): Area {
    return { x: -1, y: -1, width: this.map.width + 2, height: this.map.height + 2 };
  }

  private measureLimits(): Limits {
    const width = this.svg.clientWidth || 600;
    const height = this.svg.clientHeight || 400;
    return { world: this.world(), minWidth: 14, aspect: height / width };
  }

  private resized(): void {
    const before = this.limits.aspect;
    this.limits = this.measureLimits();
    // Same shape, other size: labels, seats and marks depend on pixels per unit.
    if (Math.abs(before - this.limits.aspect) < 0.001) return this.setView(this.view);
    const wasHome = !this.zoomedIn;
    this.home = fit(this.world(), this.limits, 0);
    this.setView(wasHome ? this.home : clamp({ ...this.view, height: this.view.width * this.limits.aspect }, this.limits));
  }
}

const hasWheelchairSpaces = (section: Section): boolean => section.kind === "seated" && section.rows.some((r) => r.types?.includes(SEAT_TYPE_CODES.wheelchair));
