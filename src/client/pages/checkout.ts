/**
 * Checkout (/checkout/:holdId): starts the payment of the fan's hold,
 * counts down the hold, takes the card (Stripe, or the simulated card when
 * the server has no Stripe keys), then waits for the booking and takes the
 * fan to their tickets. When the hold runs out first, nothing is charged.
 */
import type { ConfirmResponse, HoldView } from "../../shared/booking";
import { GONE, NOT_BOOKED } from "../checkout/hold";
import { payWithStripe } from "../checkout/stripe";
import { startPage } from "../shell/account";
import { byId, countdown, money, pageData, say } from "../shell/page";
import { api, claims, problemDetail } from "../shell/session";

interface CheckoutPageData {
  holdId: string;
  publishableKey: string | null;
}

startPage();

const page = pageData<CheckoutPageData>();
const message = byId("message");
const form = byId<HTMLFormElement>("pay");
const summary = byId("summary");
const back = byId<HTMLAnchorElement>("back");
const holdPath = `/api/booking/holds/${page.holdId}`;
let stop: (() => void) | null = null;

function expired(): void {
  form.hidden = true;
  say(message, "Your hold expired, so the seats went back on sale. No payment was taken.", "error");
  back.hidden = false;
}

async function start(): Promise<void> {
  if (!claims()) {
    say(message, "Sign in (top right) to check out.", "error");
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
  summary.textContent = `${hold.data.ticketIds.length} tickets, ${money(c.amountCents, c.currency)}`;
  stop = countdown(byId("countdown"), c.expiresAt, expired);
  form.hidden = false;
  if (c.provider === "stripe") {
    payWithStripe(page.publishableKey ?? "", c.clientSecret, form, async (error) => {
      if (error) say(message, error.message, "error");
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
  say(message, "Authorizing the simulated card…", "notice");
  const res = await api<unknown>(`/api/dev/payments/${c.paymentIntentId}/${outcome}`, { method: "POST" });
  if (!res.ok) {
    say(message, problemDetail(res.data), "error");
    return;
  }
  if (outcome === "fail") {
    say(message, "The simulated card was declined. Try again before the hold runs out.", "error");
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
      say(message, "Your seats could not be booked, so your card was not charged (the authorization is released).", "error");
      back.hidden = false;
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  say(message, "Your payment is being confirmed; your tickets will appear under My tickets.", "notice");
}

document.addEventListener("account-changed", () => void start());
void start();
