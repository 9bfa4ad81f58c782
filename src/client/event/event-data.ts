/** What the event page's server rendering hands its script (workers/api/pages/event-page.tsx). */
import type { PriceBreakdown } from "../../shared/booking";

export interface SectionPrices {
  section: string;
  minCents: number;
  maxCents: number;
}

export interface EventPageData {
  eventId: string;
  /** Where the seat map is (versioned: the browser keeps it). */
  seatMapUrl: string;
  prices: SectionPrices[];
  currency: string;
  perUserLimit: number;
  queueEnabled: boolean;
  waitlistOfferMinutes: number;
}

/** A hold as the API answers POST /api/booking/reserve (and as the page keeps it in sessionStorage). */
export interface HeldSeats {
  holdId: string;
  ticketIds: string[];
  totalCents: number;
  currency: string;
  expiresAt: string;
  /** Absent in holds a tab kept from before prices were split. */
  breakdown?: PriceBreakdown;
  code?: { code: string; kind: "presale" | "promo" } | null;
}
