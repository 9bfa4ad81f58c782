/**
 * What the event dashboard's panels share (src/client/pages/dashboard.ts
 * makes it once and hands it to each): the event's id, and the two document
 * events the panels talk through, so that no panel calls another.
 *
 * - `dashboard-ready` (detail: the event's public detail), once the report
 *   confirmed that the signed-in organizer may manage the event; again
 *   after a sign-in change.
 * - `dashboard-changed` (detail: `{ source }`), after a panel changed
 *   something the others show: a refund (the report, the seat map), a block
 *   (the report), a cancellation (everything).
 */
import type { EventDetail } from "../../shared/catalog";

/** The panel that changed something. */
export type ChangeSource = "refunds" | "blocks" | "cancel";

export interface Changed {
  source: ChangeSource;
}

export interface Dashboard {
  eventId: string;
  /** Tells the other panels that `source` changed something they show. */
  changed(source: ChangeSource): void;
}

const READY = "dashboard-ready";
const CHANGED = "dashboard-changed";

export function makeDashboard(eventId: string): Dashboard {
  return { eventId, changed: (source) => document.dispatchEvent(new CustomEvent<Changed>(CHANGED, { detail: { source } })) };
}

export function announceReady(detail: EventDetail): void {
  document.dispatchEvent(new CustomEvent<EventDetail>(READY, { detail }));
}

export function onReady(listener: (detail: EventDetail) => void): void {
  document.addEventListener(READY, (e) => listener((e as CustomEvent<EventDetail>).detail));
}

export function onChanged(listener: (changed: Changed) => void): void {
  document.addEventListener(CHANGED, (e) => listener((e as CustomEvent<Changed>).detail));
}
