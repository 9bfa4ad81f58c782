/**
 * The seat map's camera: the rectangle of the map (in map units) that the
 * SVG's viewBox shows. Zooming scales it about a point that stays under the
 * finger or cursor; panning moves it; both keep part of the venue in sight
 * and stop between "the whole venue" and "a dozen seats across". Pure, so
 * gestures and keys share one set of rules.
 */
import type { Area } from "../../shared/seat-map";

export type View = Area;

export interface Limits {
  /** The whole venue, with a margin. */
  world: Area;
  /** The narrowest view, in map units (about a dozen seats). */
  minWidth: number;
  /** Screen aspect, height over width. */
  aspect: number;
}

/** The view that shows `box` whole, centred, at the screen's aspect, within the limits. */
export function fit(box: Area, limits: Limits, margin = 0.08): View {
  const width = Math.max(box.width * (1 + 2 * margin), (box.height * (1 + 2 * margin)) / limits.aspect, limits.minWidth);
  const view = { x: box.x + box.width / 2 - width / 2, y: box.y + box.height / 2 - (width * limits.aspect) / 2, width, height: width * limits.aspect };
  return clamp(view, limits);
}

/** Zooms by `factor` (above 1: closer) about the map point `at`. */
export function zoomAt(view: View, factor: number, at: { x: number; y: number }, limits: Limits): View {
  const width = view.width / factor;
  const k = width / view.width;
  return clamp({ x: at.x - (at.x - view.x) * k, y: at.y - (at.y - view.y) * k, width, height: width * limits.aspect }, limits);
}

/** Moves the view by a distance in map units. */
export function pan(view: View, dx: number, dy: number, limits: Limits): View {
  return clamp({ ...view, x: view.x + dx, y: view.y + dy }, limits);
}

export function clamp(view: View, limits: Limits): View {
  const { world } = limits;
  const widest = Math.max(world.width, world.height / limits.aspect);
  const width = Math.min(Math.max(view.width, limits.minWidth), widest);
  const height = width * limits.aspect;
  // The view's centre stays over the venue.
  const cx = Math.min(Math.max(view.x + view.width / 2, world.x), world.x + world.width);
  const cy = Math.min(Math.max(view.y + view.height / 2, world.y), world.y + world.height);
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

export function intersects(a: Area, b: Area): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
