/**
 * The seats a fan has picked but not yet held ("selected"), and those they
 * hold ("mine"): the list beside the map, its total, and the hold button's
 * state. A seat someone else takes while it is picked is dropped with a
 * notice.
 */
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
      say(this.message, "That seat is not available.");
      return false;
    }
    if (this.selected.has(seat)) this.selected.delete(seat);
    else if (this.selected.size + this.mine.size >= this.limit) {
      say(this.message, `You can choose at most ${this.limit} tickets.`);
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
      say(this.message, `${this.names.describe(last)} was just taken by someone else.`);
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
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${name}`);
      remove.addEventListener("click", () => {
        this.selected.delete(i);
        this.render();
        this.removed(i);
      });
      li.append(`${name} `, remove);
      this.list.append(li);
      total += this.names.priceCents(i);
    }
    this.total.textContent = this.selected.size ? `${this.selected.size} selected, ${money(total, this.currency)}` : "No seats selected yet.";
    this.holdButton.disabled = this.selected.size === 0 || this.holding.size > 0;
    // A fan's new hold replaces the one they have, so what they add is held together with it.
    this.holdButton.textContent = this.mine.size > 0 ? "Add to your hold" : "Hold these seats";
  }
}
