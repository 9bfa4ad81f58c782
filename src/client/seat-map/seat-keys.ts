/**
 * Moving between a section's seats with the arrow keys: left and right along
 * the row, up and down to the seat at the same place in the row before or
 * after (the last seat of a shorter row), Home and End to the row's ends. The
 * section's seats are one tab stop (the seat last visited), so a keyboard
 * fan crosses a 1,500-seat block with one Tab, not 1,500. Pure: tested
 * without a browser.
 */
import { rowAt } from "../../shared/seat-geometry";
import type { Section } from "../../shared/seat-map";

/** The seat the key leads to from seat `i`, or undefined when the key does not move (or is not ours). */
export function seatStep(section: Section, i: number, key: string): number | undefined {
  if (section.kind !== "seated") return undefined;
  const row = rowAt(section, i);
  if (!row) return undefined;
  const r = section.rows.indexOf(row);
  const at = i - row.firstIndex;
  const last = row.seats.length - 1;
  const inRow = (target: number) => (target >= 0 && target <= last ? row.firstIndex + target : undefined);
  const toRow = (other: number) => {
    const next = section.rows[other];
    return next ? next.firstIndex + Math.min(at, next.seats.length - 1) : undefined;
  };
  switch (key) {
    case "ArrowLeft":
      return inRow(at - 1);
    case "ArrowRight":
      return inRow(at + 1);
    case "Home":
      return inRow(0);
    case "End":
      return inRow(last);
    case "ArrowUp":
      return toRow(r - 1);
    case "ArrowDown":
      return toRow(r + 1);
    default:
      return undefined;
  }
}
