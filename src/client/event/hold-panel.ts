/**
 * Holding the picked seats and the hold that follows: POST
 * /api/booking/reserve (with the waiting room's admission when there is
 * one; a 403 on a queued event sends the fan to the waiting room), then the
 * panel with the seats, the countdown by the server's clock, checkout and
 * release. The hold is kept in sessionStorage so a reload shows it again.
 */
import { seatIndexOf } from "../../shared/seat-stream";
import { byId, countdown, money, say } from "../shell/page";
import { api, claims } from "../shell/session";
import type { EventPageData, HeldSeats } from "./event-data";

export interface HoldPanelHooks {
  /** The fan's held seats changed (a new hold, or none). */
  mineChanged(seats: Set<number>): void;
}

export class HoldPanel {
  private readonly panel = byId("hold-panel");
  private readonly message = byId("message");
  private readonly holdButton = byId<HTMLButtonElement>("hold");
  private readonly key: string;
  private stopCountdown: (() => void) | null = null;

  constructor(
    private readonly data: EventPageData,
    private readonly hooks: HoldPanelHooks,
  ) {
    this.key = `hold:${data.eventId}`;
  }

  /** Shows the hold this tab made earlier, if it has not run out. */
  restore(): void {
    const saved = sessionStorage.getItem(this.key);
    if (!saved) return;
    const hold = JSON.parse(saved) as HeldSeats;
    if (Date.parse(hold.expiresAt) > Date.now()) this.show(hold);
  }

  async hold(seats: number[]): Promise<boolean> {
    if (!claims()) {
      say(this.message, "Sign in first (top right), then hold your seats.", "error");
      return false;
    }
    const headers: Record<string, string> = {};
    const admission = sessionStorage.getItem(`admission:${this.data.eventId}`);
    if (admission) headers["x-admission-token"] = admission;
    this.holdButton.disabled = true;
    const ticketIds = seats.map((i) => `${this.data.eventId}.${i}`);
    const { status, data: body } = await api<HeldSeats & { detail?: string }>("/api/booking/reserve", { method: "POST", body: { ticketIds }, headers });
    this.holdButton.disabled = false;
    if (status === 403 && this.data.queueEnabled) {
      location.href = `/events/${this.data.eventId}/queue`;
      return false;
    }
    if (status !== 201) {
      say(this.message, body?.detail ?? "Could not hold the seats.", "error");
      return false;
    }
    sessionStorage.setItem(this.key, JSON.stringify(body));
    this.show(body);
    return true;
  }

  private show(hold: HeldSeats): void {
    this.panel.hidden = false;
    say(this.message, "");
    byId("hold-seats").textContent = `${hold.ticketIds.length} seats held, ${money(hold.totalCents, hold.currency)}`;
    byId<HTMLAnchorElement>("checkout").href = `/checkout/${hold.holdId}`;
    this.hooks.mineChanged(new Set(hold.ticketIds.map(seatIndexOf)));
    this.stopCountdown?.();
    this.stopCountdown = countdown(byId("hold-countdown"), hold.expiresAt, () => {
      this.end();
      say(this.message, "Your hold expired and the seats went back on sale. Choose again.", "error");
    });
    byId<HTMLButtonElement>("release").onclick = async () => {
      await api(`/api/booking/holds/${hold.holdId}`, { method: "DELETE" });
      this.end();
    };
  }

  private end(): void {
    this.stopCountdown?.();
    this.stopCountdown = null;
    this.panel.hidden = true;
    sessionStorage.removeItem(this.key);
    this.hooks.mineChanged(new Set());
  }
}
