/**
 * Holding the picked seats and the hold that follows: POST
 * /api/booking/reserve (with the waiting room's admission when there is
 * one; a 403 on a queued event sends the fan to the waiting room), then the
 * panel with the seats, the countdown by the server's clock, checkout and
 * release. The hold is kept in sessionStorage so a reload shows it again.
 */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { PRICES_COPY } from "../../shared/page-copy/prices";
import { seatIndexOf } from "../../shared/seat-stream";
import { pageLanguage } from "../shell/language";
import { byId, countdown, money, say } from "../shell/page";
import { showSplit } from "../shell/price-split";
import { api, claims, problemDetail, serverNow } from "../shell/session";
import type { EventPageData, HeldSeats } from "./event-data";

export interface HoldPanelHooks {
  /** The fan's held seats changed (a new hold, or none). */
  mineChanged(seats: Set<number>): void;
}

export class HoldPanel {
  private readonly panel = byId("hold-panel");
  private readonly message = byId("message");
  private readonly words = EVENT_COPY[pageLanguage()];
  private readonly key: string;
  private stopCountdown: (() => void) | null = null;

  constructor(
    private readonly data: EventPageData,
    private readonly hooks: HoldPanelHooks,
  ) {
    this.key = `hold:${data.eventId}`;
  }

  /**
   * Shows the hold this tab made earlier, if the room still has it held: it
   * may have been paid for, released or replaced from another tab since.
   */
  async restore(): Promise<void> {
    let hold: HeldSeats;
    try {
      hold = JSON.parse(sessionStorage.getItem(this.key) ?? "null") as HeldSeats;
    } catch {
      hold = null as unknown as HeldSeats;
    }
    if (!hold?.holdId || !(Date.parse(hold.expiresAt) > serverNow())) return sessionStorage.removeItem(this.key);
    const now = await api<{ state?: string; expiresAt?: string }>(`/api/booking/holds/${hold.holdId}`).catch(() => null);
    if (now && (!now.ok || !["held", "paying"].includes(now.data.state ?? ""))) return sessionStorage.removeItem(this.key);
    this.show(now?.data.expiresAt ? { ...hold, expiresAt: now.data.expiresAt } : hold);
  }

  /** Holds these seats (a fan's new hold replaces the one they have). Never throws. */
  async hold(seats: number[]): Promise<boolean> {
    if (!claims()) {
      say(this.message, this.words.signInToHold, "error");
      return false;
    }
    const headers: Record<string, string> = {};
    const admission = sessionStorage.getItem(`admission:${this.data.eventId}`);
    if (admission) headers["x-admission-token"] = admission;
    const ticketIds = seats.map((i) => `${this.data.eventId}.${i}`);
    const code = byId<HTMLInputElement>("code").value.trim();
    const request = code ? { ticketIds, code } : { ticketIds };
    const answer = await api<HeldSeats>("/api/booking/reserve", { method: "POST", body: request, headers }).catch(() => null);
    if (!answer) {
      say(this.message, this.words.holdConnectionFailed, "error");
      return false;
    }
    const { status, data: body } = answer;
    if (status === 403 && this.data.queueEnabled) {
      location.href = `/events/${this.data.eventId}/queue`;
      return false;
    }
    if (status !== 201) {
      say(this.message, codeRefusal(status, code) ?? problemDetail(body) ?? this.words.couldNotHold, "error");
      return false;
    }
    sessionStorage.setItem(this.key, JSON.stringify(body));
    this.show(body);
    return true;
  }

  private show(hold: HeldSeats): void {
    this.panel.hidden = false;
    say(this.message, "");
    byId("hold-seats").textContent = this.words.seatsHeld({ count: hold.ticketIds.length, total: money(hold.totalCents, hold.currency) });
    const applied = byId("hold-code");
    applied.hidden = !hold.code;
    applied.textContent = hold.code ? PRICES_COPY[pageLanguage()].codeApplied({ code: hold.code.code }) : "";
    const split = byId("hold-split");
    if (hold.breakdown) showSplit(split, hold.breakdown, hold.currency);
    split.closest("details")?.toggleAttribute("hidden", !hold.breakdown);
    byId<HTMLAnchorElement>("checkout").href = `/checkout/${hold.holdId}`;
    this.hooks.mineChanged(new Set(hold.ticketIds.map(seatIndexOf)));
    this.stopCountdown?.();
    this.stopCountdown = countdown(byId("hold-countdown"), hold.expiresAt, () => {
      this.end();
      say(this.message, this.words.holdExpired, "error");
    });
    byId<HTMLButtonElement>("release").onclick = async () => {
      const res = await api(`/api/booking/holds/${hold.holdId}`, { method: "DELETE" }).catch(() => null);
      // Gone already (404) is released too; anything else leaves the hold as it was, and says why.
      if (res && (res.ok || res.status === 404)) this.end();
      else say(this.message, res ? (problemDetail(res.data) ?? this.words.releaseFailed) : this.words.releaseConnectionFailed, "error");
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

/** A refusal of the code the fan typed, in the page's language (the API's own words are English). */
function codeRefusal(status: number, code: string): string | undefined {
  if (!code) return undefined;
  const words = PRICES_COPY[pageLanguage()];
  if (status === 404) return words.codeUnknown({ code: code.toUpperCase() });
  return undefined;
}
