/** @jsxImportSource hono/jsx */
/**
 * The legend of a seat map: one dot per seat status of the room protocol
 * (coloured by the stylesheet's variable of the same name), then the mark
 * of the seats this visitor picked. Each page names the statuses in its own
 * words (a fan sees "Not on sale" where an organizer sees "Blocked").
 */
import { SEAT_STATUSES, type SeatStatus } from "../../../src/shared/room-protocol";
import { HEAT_LEVELS, SOLD_OUT_LEVEL } from "../../../src/shared/seat-heat";

export function SeatLegend(props: { names: Record<SeatStatus, string>; picked: string }) {
  const items: [string, string][] = [...SEAT_STATUSES.map((s): [string, string] => [s, props.names[s]]), ["mine", props.picked]];
  return (
    <ul class="legend" aria-label="Legend">
      {items.map(([colour, name]) => (
        <li>
          <span class="dot" style={`background:var(--${colour})`}></span>
          {name}
        </li>
      ))}
    </ul>
  );
}

/** The overview's colours: how much of a section is left (src/shared/seat-heat.ts). */
export function HeatLegend() {
  return (
    <ul class="legend heat-legend" aria-label="Sections by seats left">
      {[...HEAT_LEVELS, SOLD_OUT_LEVEL].map((level) => (
        <li>
          <span class="dot" style={`background:${level.colour}`}></span>
          {level.name}
        </li>
      ))}
    </ul>
  );
}
