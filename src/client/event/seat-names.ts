/** What a seat or a section is called on the event page: "Block 4, row 12, seat 7, $89", "$89–$149". */
import { rowAt } from "../../shared/seat-geometry";
import { seatTypeOf, type SeatType } from "../../shared/seat-types";
import type { SeatMap } from "../../shared/seat-map";
import { money } from "../shell/page";
import type { SectionPrices } from "./event-data";
import type { SeatMapState } from "../seat-map/map-state";

const TYPE_WORDS: Record<Exclude<SeatType, "standard">, string> = { wheelchair: "wheelchair space", companion: "companion seat" };

export class SeatNames {
  private readonly prices: Map<string, SectionPrices>;

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
    if (!p) return "price to be announced";
    return p.maxCents > p.minCents ? `${money(p.minCents, this.currency)}–${money(p.maxCents, this.currency)}` : money(p.minCents, this.currency);
  }

  describe(seat: number): string {
    const section = this.map.sections[this.sectionIndexOf(seat)];
    if (!section) return "";
    let where = section.name;
    if (section.kind === "seated") {
      const row = rowAt(section, seat);
      if (row) {
        where += `, row ${row.name}, seat ${row.seats[seat - row.firstIndex] ?? ""}`;
        const type = seatTypeOf(row, seat);
        if (type !== "standard") where += `, ${TYPE_WORDS[type]}`;
      }
    } else where += ", general admission";
    return `${where}, ${money(this.priceCents(seat), this.currency)}`;
  }
}
