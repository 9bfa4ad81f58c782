/**
 * Checkout (/checkout/:holdId): starts the payment of the fan's hold,
 * counts down the hold, takes the card (Stripe, or the simulated card when
 * the server has no Stripe keys), then waits for the booking and takes the
 * fan to their tickets. When the hold runs out first, nothing is charged.
 */
import type { ConfirmResponse, HoldView } from "../../shared/booking";
import { CHECKOUT_COPY } from "../../shared/page-copy/checkout";
import { GONE, NOT_BOOKED } from "../checkout/hold";
import { payWithStripe } from "../checkout/stripe";
import { startPage } from "../shell/account";
import { pageLanguage } from "../shell/language";
import { byId, countdown, money, pageData, say } from "../shell/page";
import { showSplit } from "../shell/price-split";
import { api, claims, problemDetail } from "../shell/session";

interface CheckoutPageData {
  holdId: string;
  publishableKey: string | null;
}

startPage();

const page = pageData<CheckoutPageData>();
const words = CHECKOUT_COPY[pageLanguage()];
const message = byId("message");
const form = byId<HTMLFormElement>("pay");
const summary = byId("summary");
const back = byId<HTMLAnchorElement>("back");
const holdPath = `/api/booking/holds/${page.holdId}`;
let stop: (() => void) | null = null;

function expired(): void {
  form.hidden = true;
  say(message, words.expired, "error");
  back.hidden = false;
}

async function start(): Promise<void> {
  if (!claims()) {
    say(message, words.signInToPay, "error");
    return;
  }
  const hold = await api<HoldView>(holdPath);
  if (!hold.ok) {
    say(message, problemDetail(hold.data), "error");
    return;
  }
  back.href = `/events/${hold.data.eventId}`;
  if (hold.data.state === "booked") {
    location.href = "/me/tickets";
    return;
  }
  if (GONE.includes(hold.data.state)) {
    expired();
    return;
  }
  const confirm = await api<ConfirmResponse>("/api/booking/confirm", { method: "PUT", body: { holdId: page.holdId } });
  if (!confirm.ok) {
    say(message, problemDetail(confirm.data), "error");
    back.hidden = false;
    return;
  }
  const c = confirm.data;
  summary.textContent = words.summary({ count: hold.data.ticketIds.length, total: money(c.amountCents, c.currency) });
  showSplit(byId("split"), hold.data.breakdown, hold.data.currency);
  byId("split-details").hidden = false;
  stop = countdown(byId("countdown"), c.expiresAt, expired);
  form.hidden = false;
  if (c.provider === "stripe") {
    payWithStripe(page.publishableKey ?? "", c.clientSecret, form, pageLanguage(), async (error) => {
      if (error) say(message, error.message ?? words.paymentFailed, "error");
      else await finish();
    });
    return;
  }
  byId("simulated").hidden = false;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void paySimulated(c, e.submitter instanceof HTMLButtonElement && e.submitter.value === "decline" ? "fail" : "succeed");
  });
}

/** The simulated card (no Stripe keys): the dev API authorizes or declines the payment. */
async function paySimulated(c: ConfirmResponse, outcome: "fail" | "succeed"): Promise<void> {
  say(message, words.authorizing, "notice");
  const res = await api<unknown>(`/api/dev/payments/${c.paymentIntentId}/${outcome}`, { method: "POST" });
  if (!res.ok) {
    say(message, problemDetail(res.data), "error");
    return;
  }
  if (outcome === "fail") {
    say(message, words.declined, "error");
    return;
  }
  await finish();
}

/** Waits (up to 15 s) for the paid hold to be booked, then shows the tickets. */
async function finish(): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const h = await api<HoldView>(holdPath);
    if (h.ok && h.data.state === "booked") {
      stop?.();
      location.href = `/me/tickets?booked=${h.data.bookingId}`;
      return;
    }
    if (h.ok && NOT_BOOKED.includes(h.data.state)) {
      stop?.();
      say(message, words.notBooked, "error");
      back.hidden = false;
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say(message, words.confirming, "notice");
}

document.addEventListener("account-changed", () => void start());
void start();
