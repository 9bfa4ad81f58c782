/**
 * The waitlist panel (#waitlist) of the event page and the waiting room:
 * when the page says the event (or a section) is sold out (a `sold-out`
 * event from the seat map or the waiting room), it offers to join the
 * waitlist in one click; it shows the fan's position, and an offer with its
 * countdown and a button to pay (the ordinary checkout of the offered hold).
 * It asks for the fan's entry when the page opens, every 15 seconds while
 * they wait or hold an offer, and when seats on the map are just held (an
 * offer shows as held seats; on a sold-out map little else changes).
 */
import { WAITLIST_COPY } from "../../shared/page-copy/waitlist";
import type { WaitlistEntry } from "../../shared/waitlist";
import { pageLanguage } from "../shell/language";
import { byId, countdown, pageData, say } from "../shell/page";
import { onSoldOut } from "../shell/page-events";
import { api, claims, problemDetail } from "../shell/session";
import { describeEntry, isActive, whyJoin } from "./entry";

interface PanelPageData {
  eventId: string;
  waitlistOfferMinutes?: number;
}

/** What is sold out, as the page last said. */
interface SoldOut {
  soldOut: boolean;
  sections: string[];
}

/** Starts the waitlist panel; does nothing on a page without one. */
export function startWaitlistPanel(): void {
  const page = pageData<PanelPageData>();
  const words = WAITLIST_COPY[pageLanguage()];
  const found = document.getElementById("waitlist");
  if (!found) return;
  const panel: HTMLElement = found;
  const form = byId<HTMLFormElement>("waitlist-join");
  const quantity = byId<HTMLSelectElement>("waitlist-quantity");
  const section = byId<HTMLSelectElement>("waitlist-section");
  const sectionLabel = byId("waitlist-section-label");
  const statusBox = byId("waitlist-status");
  const stateText = byId("waitlist-state");
  const offerBox = byId("waitlist-offer");
  const pay = byId<HTMLAnchorElement>("waitlist-pay");
  const leave = byId<HTMLButtonElement>("waitlist-leave");
  const message = byId("waitlist-message");
  const base = `/api/events/${page.eventId}/waitlist`;
  let soldOut: SoldOut = { soldOut: false, sections: [] };
  let entry: WaitlistEntry | null = null;
  let stopCountdown: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asking: Promise<void> | null = null;
  let askedAt = 0;

  function renderJoinForm(): void {
    const keep = section.value;
    section.replaceChildren();
    const choices = (soldOut.soldOut ? [""] : []).concat(soldOut.sections);
    for (const name of choices) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name || words.anySection;
      section.append(option);
    }
    if (choices.includes(keep)) section.value = keep;
    sectionLabel.hidden = choices.length < 2 && choices[0] === "";
    byId("waitlist-why").textContent = whyJoin(soldOut.soldOut, page.waitlistOfferMinutes);
  }

  function render(): void {
    const showJoin = !isActive(entry) && (soldOut.soldOut || soldOut.sections.length > 0);
    panel.hidden = !showJoin && !entry;
    form.hidden = !showJoin;
    statusBox.hidden = !entry;
    if (showJoin) renderJoinForm();
    if (!entry) return;
    offerBox.hidden = entry.state !== "offered";
    leave.hidden = !isActive(entry);
    stateText.textContent = describeEntry(entry);
    if (stopCountdown) {
      stopCountdown();
      stopCountdown = null;
    }
    if (entry.state === "offered") {
      pay.href = `/checkout/${entry.holdId}`;
      stopCountdown = countdown(byId("waitlist-countdown"), entry.expiresAt ?? "", () => void refresh());
    }
  }

  /** Asks for the fan's entry (one question at a time), and again in 15 s while it is active. */
  function refresh(): Promise<void> {
    if (!claims()) {
      entry = null;
      render();
      return Promise.resolve();
    }
    if (asking) return asking;
    askedAt = Date.now();
    asking = (async () => {
      const res = await api<WaitlistEntry>(`${base}/me`);
      const before = entry?.state;
      entry = res.ok ? res.data : null;
      // The note about joining is old news once the entry moved on (an offer, a booking).
      if (entry && before && entry.state !== before) say(message, "", "notice");
      render();
      clearTimeout(timer);
      if (isActive(entry)) timer = setTimeout(() => void refresh(), 15000);
    })().finally(() => {
      asking = null;
    });
    return asking;
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void join();
  });
  async function join(): Promise<void> {
    if (!claims()) {
      say(message, words.signInToJoin, "error");
      return;
    }
    const body: { quantity: number; section?: string } = { quantity: Number(quantity.value) };
    if (section.value) body.section = section.value;
    const res = await api<WaitlistEntry>(base, { method: "POST", body });
    if (!res.ok) {
      say(message, problemDetail(res.data) || words.couldNotJoin, "error");
      return;
    }
    say(message, res.status === 201 ? words.joined : words.alreadyOn, "notice");
    entry = res.data;
    render();
    void refresh();
  }

  leave.addEventListener("click", () => void leaveWaitlist());
  async function leaveWaitlist(): Promise<void> {
    const res = await api<unknown>(`${base}/me`, { method: "DELETE" });
    if (!res.ok && res.status !== 404) {
      say(message, problemDetail(res.data), "error");
      return;
    }
    say(message, "", "notice");
    void refresh();
  }

  // The page's map or waiting room says what is sold out; a change of the map may be an offer.
  onSoldOut((detail) => {
    soldOut = { soldOut: !!detail.soldOut, sections: detail.sections || [] };
    render();
    // At most every 2 s (a busy map changes ten times a second): a change sooner is looked at when the 2 s are up.
    if (detail.held && entry?.state === "waiting") {
      clearTimeout(timer);
      timer = setTimeout(() => void refresh(), Math.max(0, askedAt + 2000 - Date.now()));
    }
  });
  document.addEventListener("account-changed", () => void refresh());
  void refresh();
}
