/** @jsxImportSource hono/jsx */
/**
 * The legend of a seat map: one dot per seat status of the room protocol
 * (coloured by the stylesheet's variable of the same name), then the mark
 * of the seats this visitor picked. Each page names the statuses in its own
 * words (a fan sees "Not on sale" where an organizer sees "Blocked").
 */
import { SEAT_STATUSES, type SeatStatus } from "../../../src/shared/room-protocol";
import { HEAT_LEVELS, SOLD_OUT_LEVEL, type HeatLevelId } from "../../../src/shared/seat-heat";

export function SeatLegend(props: { names: Record<SeatStatus, string>; picked: string; label?: string }) {
  const items: [string, string][] = [...SEAT_STATUSES.map((s): [string, string] => [s, props.names[s]]), ["mine", props.picked]];
  return (
    <ul class="legend" aria-label={props.label ?? "Legend"}>
      {items.map(([colour, name]) => (
        <li>
          <span class="dot" style={`background:var(--${colour})`}></span>
          {name}
        </li>
      ))}
    </ul>
  );
}

/** The overview's colours: how much of a section is left (src/shared/seat-heat.ts), named in the page's language (English by default). */
export function HeatLegend(props: { label?: string; names?: Record<HeatLevelId, string> }) {
  return (
    <ul class="legend heat-legend" aria-label={props.label ?? "Sections by seats left"}>
      {[...HEAT_LEVELS, SOLD_OUT_LEVEL].map((level) => (
        <li>
          <span class="dot" style={`background:${level.colour}`}></span>
          {props.names?.[level.id] ?? level.name}
        </li>
      ))}
    </ul>
  );
}
