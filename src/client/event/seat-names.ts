/** What a seat or a section is called on the event page, in its language: "Block 4, row 12, seat 7, $89", "$89–$149". */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { rowAt } from "../../shared/seat-geometry";
import { seatTypeOf } from "../../shared/seat-types";
import type { SeatMap } from "../../shared/seat-map";
import { pageLanguage } from "../shell/language";
import { money } from "../shell/page";
import type { SectionPrices } from "./event-data";
import type { SeatMapState } from "../seat-map/map-state";

export class SeatNames {
  private readonly prices: Map<string, SectionPrices>;
  private readonly words = EVENT_COPY[pageLanguage()];

  constructor(
    private readonly map: SeatMap,
    private readonly state: SeatMapState,
    prices: SectionPrices[],
    private readonly currency: string,
  ) {
    this.prices = new Map(prices.map((p) => [p.section, p]));
  }

  sectionIndexOf(seat: number): number {
    return this.state.sectionOf[seat] ?? 0;
  }

  /** The price of a seat (its section's lowest price). */
  priceCents(seat: number): number {
    const section = this.map.sections[this.sectionIndexOf(seat)];
    return section ? (this.prices.get(section.name)?.minCents ?? 0) : 0;
  }

  sectionPrice(k: number): string {
    const section = this.map.sections[k];
    const p = section ? this.prices.get(section.name) : undefined;
    if (!p) return this.words.priceToBeAnnounced;
    return p.maxCents > p.minCents ? this.words.priceRange({ from: money(p.minCents, this.currency), to: money(p.maxCents, this.currency) }) : money(p.minCents, this.currency);
  }

  describe(seat: number): string {
    const section = this.map.sections[this.sectionIndexOf(seat)];
    if (!section) return "";
    const price = money(this.priceCents(seat), this.currency);
    const row = section.kind === "seated" ? rowAt(section, seat) : undefined;
    if (!row) return this.words.seatName({ section: section.name, row: null, seat: null, type: "standard", price });
    return this.words.seatName({ section: section.name, row: row.name, seat: row.seats[seat - row.firstIndex] ?? "", type: seatTypeOf(row, seat), price });
  }
}
