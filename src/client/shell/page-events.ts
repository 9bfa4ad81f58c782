/**
 * The DOM events one page's parts send each other (the seat map or the
 * waiting room tell the waitlist panel what is sold out).
 */
export interface SoldOutDetail {
  /** The whole event is sold out. */
  soldOut: boolean;
  /** Sections with no seat left (the event page names them). */
  sections?: string[];
  /** Seats were just held on the map (an offer shows as held seats). */
  held?: boolean;
}

export const SOLD_OUT = "sold-out";

export function announceSoldOut(detail: SoldOutDetail): void {
  document.dispatchEvent(new CustomEvent<SoldOutDetail>(SOLD_OUT, { detail }));
}

export function onSoldOut(listener: (detail: SoldOutDetail) => void): void {
  document.addEventListener(SOLD_OUT, (e) => listener((e as CustomEvent<SoldOutDetail>).detail));
}
