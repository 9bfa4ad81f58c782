/**
 * The seats a fan has picked but not yet held ("selected"), and those they
 * hold ("mine"): the list beside the map, its total, and the hold button's
 * state. A seat someone else takes while it is picked is dropped with a
 * notice.
 */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { pageLanguage } from "../shell/language";
import { byId, money, say } from "../shell/page";
import type { SeatNames } from "./seat-names";

export class Picks {
  readonly selected = new Set<number>();
  mine = new Set<number>();
  /** Seats in a hold request on its way: their own delta ("held") is not someone else taking them. */
  readonly holding = new Set<number>();
  private readonly list = byId<HTMLUListElement>("picked");
  private readonly total = byId("picked-total");
  private readonly holdButton = byId<HTMLButtonElement>("hold");
  private readonly message = byId("message");
  private readonly words = EVENT_COPY[pageLanguage()];

  constructor(
    private readonly names: SeatNames,
    private readonly limit: number,
    private readonly currency: string,
    /** A pick was taken back from the list (the map repaints it). */
    private readonly removed: (seat: number) => void,
  ) {}

  /** Picks or unpicks an available seat; false (with a notice) when it cannot be picked. */
  toggle(seat: number, available: boolean): boolean {
    if (!available) {
      say(this.message, this.words.notAvailable);
      return false;
    }
    if (this.selected.has(seat)) this.selected.delete(seat);
    else if (this.selected.size + this.mine.size >= this.limit) {
      say(this.message, this.words.atMost({ limit: this.limit }));
      return false;
    } else this.selected.add(seat);
    this.render();
    return true;
  }

  /** Seats that were just taken by others: unpicked, with a notice. Returns those dropped. */
  taken(seats: number[]): number[] {
    const dropped = seats.filter((i) => !this.holding.has(i) && this.selected.delete(i));
    const last = dropped[dropped.length - 1];
    if (last !== undefined) {
      say(this.message, this.words.taken({ seat: this.names.describe(last) }));
      this.render();
    }
    return dropped;
  }

  replace(seats: Iterable<number>): void {
    this.selected.clear();
    for (const i of seats) this.selected.add(i);
    this.render();
  }

  render(): void {
    this.list.replaceChildren();
    let total = 0;
    for (const i of [...this.selected].sort((a, b) => a - b)) {
      const li = document.createElement("li");
      const name = this.names.describe(i);
      // Every pick can be taken back here, including seats the map is not showing (a GA place, a far section).
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = this.words.remove;
      remove.setAttribute("aria-label", this.words.removeSeat({ seat: name }));
      remove.addEventListener("click", () => {
        this.selected.delete(i);
        this.render();
        this.removed(i);
      });
      li.append(`${name} `, remove);
      this.list.append(li);
      total += this.names.priceCents(i);
    }
    this.total.textContent = this.selected.size ? this.words.selected({ count: this.selected.size, total: money(total, this.currency) }) : this.words.noneSelected;
    this.holdButton.disabled = this.selected.size === 0 || this.holding.size > 0;
    // A fan's new hold replaces the one they have, so what they add is held together with it.
    this.holdButton.textContent = this.mine.size > 0 ? this.words.addToHold : this.words.holdSeats;
  }
}
