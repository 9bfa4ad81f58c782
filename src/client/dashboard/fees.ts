/**
 * The dashboard's fees panel: the event's service fee per ticket (a fixed
 * amount in the event's currency plus a percent of the face value) and its
 * tax rate, saved with PATCH /api/events/:id `{ fees }`, and an example of
 * what they make of the cheapest ticket, worked by the code the API prices
 * holds with (src/shared/pricing.ts), so the example is the price fans see.
 *
 * The example follows the fields as they are typed; after a save the event
 * is read again, so the fields show what the API stored. Holds made before
 * a change keep the price they were made at (the room priced them).
 */
import type { EventDetail } from "../../shared/catalog";
import { chargeFor, type FeePolicy } from "../../shared/pricing";
import { amountText, parseAmount, parsePercent, percentText } from "../organizer/amounts";
import { byId, money, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { type Dashboard, onChanged, onReady } from "./context";

/** A field the organizer must correct, and what is wrong with it. */
interface Mistake {
  field: HTMLInputElement;
  problem: string;
}

export function startFees(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const form = byId<HTMLFormElement>("fees-form");
  const fields = byId<HTMLFieldSetElement>("fees-fields");
  const fixed = byId<HTMLInputElement>("fee-fixed");
  const percent = byId<HTMLInputElement>("fee-percent");
  const tax = byId<HTMLInputElement>("tax-rate");
  const example = byId("fees-example");
  const split = byId("fees-split");
  const message = byId("fees-message");
  let currency = "usd";
  let cheapestFace: number | null = null;
  let saved: FeePolicy | null = null;

  /** The policy the fields say, or the first field that says none. */
  function typed(): FeePolicy | Mistake {
    const feeFixedCents = parseAmount(fixed.value, currency);
    if (feeFixedCents === null) return { field: fixed, problem: `The fixed service fee must be an amount in ${currency.toUpperCase()}, such as ${amountText(150, currency)}.` };
    const feePercentBp = parsePercent(percent.value);
    if (feePercentBp === null) return { field: percent, problem: "The service fee's percent must be a number from 0 to 100, with at most two decimals." };
    const taxRateBp = parsePercent(tax.value);
    if (taxRateBp === null) return { field: tax, problem: "The tax rate must be a percent from 0 to 100, with at most two decimals." };
    return { feeFixedCents, feePercentBp, taxRateBp };
  }

  const isMistake = (p: FeePolicy | Mistake): p is Mistake => "field" in p;

  function figure(term: string, value: string): void {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    split.append(dt, dd);
  }

  /** The cheapest ticket's all-in price and its split, under the fees as typed. */
  function showExample(): void {
    const policy = typed();
    for (const input of [fixed, percent, tax]) input.removeAttribute("aria-invalid");
    split.replaceChildren();
    if (isMistake(policy)) {
      policy.field.setAttribute("aria-invalid", "true");
      example.textContent = `${policy.problem} The example shows once the fields are correct.`;
      return;
    }
    if (cheapestFace === null) {
      example.textContent = "";
      return;
    }
    const c = chargeFor(cheapestFace, policy);
    const unsaved = saved !== null && (saved.feeFixedCents !== policy.feeFixedCents || saved.feePercentBp !== policy.feePercentBp || saved.taxRateBp !== policy.taxRateBp);
    example.textContent = `${unsaved ? "Once saved, a" : "A"} ticket of the cheapest face value, ${money(c.faceCents, currency)}, costs ${money(c.totalCents, currency)} all in:`;
    figure("Face value", money(c.faceCents, currency));
    figure("Service fee", money(c.feeCents, currency));
    figure("Tax", money(c.taxCents, currency));
    figure("All in", money(c.totalCents, currency));
  }

  function show(detail: EventDetail): void {
    currency = detail.currency;
    byId("fee-currency").textContent = currency.toUpperCase();
    const faces = detail.prices.map((p) => p.faceMinCents);
    cheapestFace = faces.length > 0 ? Math.min(...faces) : null;
    saved = detail.fees;
    fixed.value = amountText(detail.fees.feeFixedCents, currency);
    percent.value = percentText(detail.fees.feePercentBp);
    tax.value = percentText(detail.fees.taxRateBp);
    showCancelled(detail.status === "cancelled");
    showExample();
  }

  /** A cancelled event sells nothing: its fees can no longer change (the API refuses too). */
  function showCancelled(cancelled: boolean): void {
    fields.disabled = cancelled;
    if (cancelled) say(message, "The event is cancelled: its fees can no longer change.", "notice");
  }

  async function save(): Promise<void> {
    const policy = typed();
    if (isMistake(policy)) {
      say(message, policy.problem, "error");
      policy.field.focus();
      return;
    }
    fields.disabled = true;
    say(message, "Saving…", "notice");
    const res = await api<{ id: string }>(`/api/events/${eventId}`, { method: "PATCH", body: { fees: policy } });
    fields.disabled = false;
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The fees could not be saved.", "error");
      return;
    }
    const detail = await api<EventDetail>(`/api/events/${eventId}`);
    if (!detail.ok) {
      say(message, problemDetail(detail.data) || "The fees are saved, but the event could not be read again; reload the page.", "error");
      return;
    }
    show(detail.data);
    const cheapest = cheapestFace === null ? "" : ` Fans now pay ${money(chargeFor(cheapestFace, detail.data.fees).totalCents, currency)} for the cheapest ticket.`;
    say(message, `The fees and tax are saved.${cheapest} Holds made before keep their price.`, "notice");
  }

  for (const input of [fixed, percent, tax]) input.addEventListener("input", showExample);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void save();
  });
  onReady((detail) => {
    say(message, "");
    show(detail);
  });
  onChanged((e) => {
    if (e.source === "cancel") showCancelled(true);
  });
}
