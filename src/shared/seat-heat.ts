/**
 * The overview's heat scale: a section's colour says how much of it is left
 * to buy. Four bands and "sold out", rather than a continuous ramp, so the
 * legend can name each colour and two neighbouring sections never look the
 * same while one has half its seats and the other a tenth. Each colour keeps
 * a contrast of at least 3:1 against the page and dark label text reads on
 * every one (the labels also carry a light halo).
 */
export type HeatLevelId = "plenty" | "selling" | "few" | "last" | "soldOut";

export interface HeatLevel {
  /** What the level is called in the pages' words (src/shared/page-copy/event.ts). */
  id: HeatLevelId;
  /** Lowest share of seats available for this colour (sold out: none). */
  atLeast: number;
  name: string;
  colour: string;
}

export const HEAT_LEVELS: readonly HeatLevel[] = [
  { id: "plenty", atLeast: 0.5, name: "Plenty left", colour: "#2e9d6a" },
  { id: "selling", atLeast: 0.2, name: "Selling", colour: "#6f9a1f" },
  { id: "few", atLeast: 0.05, name: "Few left", colour: "#c96f12" },
  { id: "last", atLeast: Number.MIN_VALUE, name: "Last seats", colour: "#e4572e" },
];

export const SOLD_OUT_LEVEL: HeatLevel = { id: "soldOut", atLeast: 0, name: "Sold out", colour: "#b9bec7" };

export function heatOf(free: number, total: number): HeatLevel {
  if (free <= 0 || total <= 0) return SOLD_OUT_LEVEL;
  const share = free / total;
  return HEAT_LEVELS.find((level) => share >= level.atLeast) ?? SOLD_OUT_LEVEL;
}
