/**
 * How a fan moves the seat map: a mouse's wheel (or a trackpad's pinch)
 * zooms about the cursor and a trackpad's scroll pans, one pointer drags, two pointers pinch (zooming about their midpoint and
 * following it), and the keyboard, with the map focused, pans with the
 * arrows, zooms with + and −, and shows the whole venue with 0. A press that
 * moved more than a few pixels was a drag: the click that follows it is
 * swallowed, so panning never picks a seat.
 */
export interface Camera {
  /** Map point under a client (screen) point. */
  toMap(clientX: number, clientY: number): { x: number; y: number };
  /** Map units per screen pixel. */
  unitsPerPixel(): number;
  zoomAt(factor: number, at: { x: number; y: number }): void;
  panBy(dx: number, dy: number): void;
  /** Pans by a share of the view (keyboard). */
  panShare(sx: number, sy: number): void;
  reset(): void;
}

const DRAG_PIXELS = 6;

export function attachGestures(svg: SVGSVGElement, camera: Camera): void {
  const pointers = new Map<number, { x: number; y: number }>();
  /** How far the press has gone from where it started, at most: jitter on a tap does not add up to a drag. */
  let moved = 0;
  let start = { x: 0, y: 0 };
  let pinch: { distance: number } | null = null;

  svg.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      // A trackpad scrolls in small steps, often sideways too: it pans. A mouse's wheel (whole notches, or
      // lines) and a trackpad's pinch (sent with ctrlKey) zoom.
      const notch = e.deltaMode !== WheelEvent.DOM_DELTA_PIXEL || (Math.abs(e.deltaY) >= 50 && e.deltaX === 0);
      if (!e.ctrlKey && !notch) {
        const k = camera.unitsPerPixel();
        camera.panBy(e.deltaX * k, e.deltaY * k);
        return;
      }
      const factor = Math.exp(-Math.max(-100, Math.min(100, e.deltaY)) * (e.ctrlKey ? 0.01 : 0.004));
      camera.zoomAt(factor, camera.toMap(e.clientX, e.clientY));
    },
    { passive: false },
  );

  svg.addEventListener("pointerdown", (e) => {
    // Only the main button (or a finger, or a pen) moves the map.
    if (e.button !== 0) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 1) {
      moved = 0;
      start = { x: e.clientX, y: e.clientY };
    }
    pinch = pointers.size === 2 ? { distance: spread(pointers) } : null;
  });
  svg.addEventListener("pointermove", (e) => {
    const last = pointers.get(e.pointerId);
    if (!last) return;
    // A release the map never saw (outside the window, a context menu): the press is over.
    if (e.pointerType === "mouse" && e.buttons === 0) {
      pointers.delete(e.pointerId);
      return;
    }
    const dx = e.clientX - last.x;
    const dy = e.clientY - last.y;
    if (pointers.size === 1) moved = Math.max(moved, Math.hypot(e.clientX - start.x, e.clientY - start.y));
    else moved = DRAG_PIXELS + 1;
    // Capture only once it is a drag, so a plain tap's click reaches the seat under it.
    if (moved > DRAG_PIXELS && !svg.hasPointerCapture(e.pointerId)) svg.setPointerCapture(e.pointerId);
    const before = midpoint(pointers);
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2 && pinch) {
      const distance = spread(pointers);
      const after = midpoint(pointers);
      const k = camera.unitsPerPixel();
      camera.panBy(-(after.x - before.x) * k, -(after.y - before.y) * k);
      if (pinch.distance > 0) camera.zoomAt(distance / pinch.distance, camera.toMap(after.x, after.y));
      pinch.distance = distance;
    } else if (pointers.size === 1 && moved > DRAG_PIXELS) {
      const k = camera.unitsPerPixel();
      camera.panBy(-dx * k, -dy * k);
    }
  });
  const end = (e: PointerEvent) => {
    pointers.delete(e.pointerId);
    // Three fingers down to two: measure the pinch afresh, or the zoom jumps.
    pinch = pointers.size === 2 ? { distance: spread(pointers) } : null;
  };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointercancel", end);
  svg.addEventListener("lostpointercapture", end);
  // A drag ends in a click on whatever is under the pointer: it was not a choice.
  svg.addEventListener(
    "click",
    (e) => {
      if (moved > DRAG_PIXELS) {
        e.stopPropagation();
        e.preventDefault();
        moved = 0;
      }
    },
    true,
  );

  svg.addEventListener("keydown", (e) => {
    // Ctrl/⌘ with + − 0 is the browser's own zoom, which low-vision fans rely on.
    if (e.target !== svg || e.ctrlKey || e.metaKey || e.altKey) return;
    const step = 0.15;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => camera.panShare(-step, 0),
      ArrowRight: () => camera.panShare(step, 0),
      ArrowUp: () => camera.panShare(0, -step),
      ArrowDown: () => camera.panShare(0, step),
      "+": () => camera.zoomAt(1.5, centre(svg, camera)),
      "=": () => camera.zoomAt(1.5, centre(svg, camera)),
      "-": () => camera.zoomAt(1 / 1.5, centre(svg, camera)),
      _: () => camera.zoomAt(1 / 1.5, centre(svg, camera)),
      "0": () => camera.reset(),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  });
}

function spread(pointers: Map<number, { x: number; y: number }>): number {
  const [a, b] = [...pointers.values()];
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
}

function midpoint(pointers: Map<number, { x: number; y: number }>): { x: number; y: number } {
  const all = [...pointers.values()];
  return { x: all.reduce((s, p) => s + p.x, 0) / (all.length || 1), y: all.reduce((s, p) => s + p.y, 0) / (all.length || 1) };
}

function centre(svg: SVGSVGElement, camera: Camera): { x: number; y: number } {
  const r = svg.getBoundingClientRect();
  return camera.toMap(r.left + r.width / 2, r.top + r.height / 2);
}
