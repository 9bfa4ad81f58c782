/**
 * A price's split as a description list (face value, discount, service
 * fees, tax, total), shared by the event page's hold and checkout: the
 * breakdown one click away from every all-in total.
 */
import type { PriceBreakdown } from "../../shared/booking";
import { PRICES_COPY } from "../../shared/page-copy/prices";
import { pageLanguage } from "./language";
import { money } from "./page";

export function showSplit(list: HTMLElement, split: PriceBreakdown, currency: string): void {
  const words = PRICES_COPY[pageLanguage()];
  const rows: [string, number][] = [[words.face, split.faceCents]];
  if (split.discountCents > 0) rows.push([words.discount, -split.discountCents]);
  rows.push([words.fee, split.feeCents], [words.tax, split.taxCents], [words.total, split.totalCents]);
  list.replaceChildren(
    ...rows.flatMap(([name, cents]) => {
      const term = document.createElement("dt");
      term.textContent = name;
      const value = document.createElement("dd");
      value.textContent = money(cents, currency);
      return [term, value];
    }),
  );
}
