/**
 * The dashboard's codes panel: the event's presale and promo codes
 * (GET /api/events/:id/codes), each with what it does, its window and its
 * uses as the event's room counts them (reserved by live holds, spent by
 * bookings, of its limit), a field to change the limit and a button to
 * disable or enable it (PATCH …/codes/:codeId); and a form that creates one
 * (POST …/codes). A promo code's discount and sections are asked only for
 * promo codes; no section chosen means every section.
 *
 * The list is read again after every change made here, and when the
 * dashboard opens or another panel changed something (a refund, a
 * cancellation), since the room's counts move with holds and bookings.
 */
import type { EventDetail } from "../../shared/catalog";
import type { CodeCreate, CodeView } from "../../shared/codes";
import { amountText, parseAmount, parsePercent, percentLabel } from "../organizer/amounts";
import { formFields } from "../organizer/shared";
import { byId, money, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { type Dashboard, onChanged, onReady } from "./context";

function node<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

const when = (iso: string): string => new Date(iso).toLocaleString();

/** A code's window in words. */
function windowText(c: CodeView): string {
  if (c.startsAt && c.endsAt) return `Valid from ${when(c.startsAt)} until ${when(c.endsAt)}.`;
  if (c.startsAt) return `Valid from ${when(c.startsAt)}.`;
  if (c.endsAt) return `Valid until ${when(c.endsAt)}.`;
  return "Valid at any time.";
}

/** How many holds used a code, of its limit, as the room counts them. */
function usesText(c: CodeView): string {
  if (!c.uses) return `Uses: not known just now (the event's room did not answer), of at most ${c.maxUses}.`;
  const { reserved, spent } = c.uses;
  return `Uses: ${reserved + spent} of ${c.maxUses} (${reserved} reserved by live holds, ${spent} spent by bookings).`;
}

export function startCodes(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const list = byId("codes");
  const message = byId("codes-message");
  const form = byId<HTMLFormElement>("code-form");
  const fields = byId<HTMLFieldSetElement>("code-fields");
  const discountFields = byId<HTMLFieldSetElement>("code-discount");
  const discountKind = byId<HTMLSelectElement>("code-discount-kind");
  const discountName = byId("code-discount-name");
  const sectionFields = byId<HTMLFieldSetElement>("code-sections");
  const sectionList = byId("code-section-list");
  let currency = "usd";
  let listing = 0; // a newer read makes the answers of older ones stale

  /** What a code does, in words. */
  function effect(c: CodeView): string {
    if (c.kind === "presale") return "Presale: lets its holders buy before the sale opens.";
    const d = c.discount;
    const off = d?.percentBp != null ? `${percentLabel(d.percentBp)} off` : d?.fixedCents != null ? `${money(d.fixedCents, currency)} off` : "No discount";
    const where = c.sections ? `in ${c.sections.join(", ")}` : "in every section";
    return `Promo: ${off} each ticket's face value, ${where}.`;
  }

  async function refresh(): Promise<void> {
    const mine = ++listing;
    const res = await api<{ codes: CodeView[] }>(`/api/events/${eventId}/codes`);
    if (mine !== listing) return;
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The codes could not be read.", "error");
      return;
    }
    list.replaceChildren();
    if (res.data.codes.length === 0) list.append(node("li", "No codes yet."));
    for (const c of res.data.codes) list.append(render(c));
  }

  function render(c: CodeView): HTMLLIElement {
    const li = node("li");
    li.id = `code-${c.codeId}`;
    const heading = node("h3", `${c.code} · ${c.kind}${c.disabled ? " · disabled" : ""}`);
    heading.id = `code-${c.codeId}-heading`;
    li.setAttribute("aria-labelledby", heading.id);
    li.append(heading, node("p", effect(c)), node("p", usesText(c), "uses"), node("p", windowText(c), "meta"));

    const limit = node("form", undefined, "inline-fields");
    const label = node("label", "Uses at most");
    label.append(node("span", ` for ${c.code}`, "visually-hidden"));
    const input = node("input");
    input.type = "number";
    input.name = "maxUses";
    input.min = "0";
    input.max = "1000000";
    input.step = "1";
    input.required = true;
    input.inputMode = "numeric";
    input.value = String(c.maxUses);
    label.append(input);
    const change = node("button", "Change", "secondary");
    change.type = "submit";
    change.dataset.action = "limit";
    change.setAttribute("aria-label", `Change the use limit of ${c.code}`);
    const toggle = node("button", c.disabled ? "Enable" : "Disable", "secondary");
    toggle.type = "button";
    toggle.dataset.action = "toggle";
    toggle.setAttribute("aria-label", `${c.disabled ? "Enable" : "Disable"} ${c.code}`);
    limit.append(label, change, toggle);
    limit.addEventListener("submit", (e) => {
      e.preventDefault();
      const maxUses = Number(input.value);
      if (!Number.isInteger(maxUses) || maxUses < 0) {
        say(message, `The use limit of ${c.code} must be a whole number, 0 or more (0 stops new uses).`, "error");
        input.focus();
        return;
      }
      void patchCode(c, { maxUses }, change, [change, toggle], `${c.code} may now be used ${maxUses} time${maxUses === 1 ? "" : "s"}.`);
    });
    toggle.addEventListener("click", () => {
      const text = c.disabled ? `${c.code} is enabled: new holds may use it again.` : `${c.code} is disabled: new holds cannot use it; holds made with it keep their price.`;
      void patchCode(c, { disabled: !c.disabled }, toggle, [change, toggle], text);
    });
    li.append(limit);
    return li;
  }

  /** PATCHes a code, then reads the list again (the room's counts may have moved too). */
  async function patchCode(c: CodeView, patch: { maxUses?: number; disabled?: boolean }, pressed: HTMLButtonElement, buttons: HTMLButtonElement[], done: string): Promise<void> {
    for (const b of buttons) b.disabled = true;
    const res = await api<CodeView>(`/api/events/${eventId}/codes/${c.codeId}`, { method: "PATCH", body: patch });
    if (!res.ok) {
      for (const b of buttons) b.disabled = false;
      say(message, problemDetail(res.data) || `${c.code} could not be changed.`, "error");
      return;
    }
    say(message, done, "notice");
    await refresh();
    // The list was drawn again: keep the keyboard where it was.
    document.querySelector<HTMLButtonElement>(`#code-${c.codeId} button[data-action="${pressed.dataset.action ?? ""}"]`)?.focus();
  }

  /** The discount and sections are a promo code's only. */
  function showKind(): void {
    const promo = formFields(form)("kind") === "promo";
    discountFields.hidden = !promo;
    sectionFields.hidden = !promo;
    discountName.textContent = discountKind.value === "fixed" ? `Amount off each ticket (${currency.toUpperCase()})` : "Percent off each ticket's face value";
  }

  /** The request the form says, or what the organizer must correct. */
  function request(): CodeCreate | string {
    const f = formFields(form);
    const kind = f("kind") === "promo" ? "promo" : "presale";
    const maxUses = Number(f("maxUses"));
    if (!Number.isInteger(maxUses) || maxUses < 1) return "The use limit must be a whole number, 1 or more.";
    const body: CodeCreate = { code: f("code").trim(), kind, maxUses };
    if (f("startsAt")) body.startsAt = new Date(f("startsAt")).toISOString();
    if (f("endsAt")) body.endsAt = new Date(f("endsAt")).toISOString();
    if (kind === "promo") {
      const value = f("discount");
      if (discountKind.value === "fixed") {
        const fixedCents = parseAmount(value, currency);
        if (!fixedCents) return `The amount off must be more than 0, in ${currency.toUpperCase()}, such as ${amountText(500, currency)}.`;
        body.discount = { fixedCents };
      } else {
        const percentBp = parsePercent(value);
        if (!percentBp) return "The percent off must be more than 0 and at most 100, with at most two decimals.";
        body.discount = { percentBp };
      }
      const sections = [...sectionList.querySelectorAll<HTMLInputElement>("input:checked")].map((box) => box.value);
      if (sections.length > 0) body.sections = sections;
    }
    return body;
  }

  async function create(): Promise<void> {
    const body = request();
    if (typeof body === "string") {
      say(message, body, "error");
      return;
    }
    fields.disabled = true;
    const res = await api<CodeView>(`/api/events/${eventId}/codes`, { method: "POST", body });
    fields.disabled = false;
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The code could not be created.", "error");
      return;
    }
    form.reset();
    showKind();
    say(message, `${res.data.code} is created: ${effect(res.data)}`, "notice");
    await refresh();
  }

  /** One checkbox per section of the event, for a promo code's sections. */
  function showSections(detail: EventDetail): void {
    sectionList.replaceChildren();
    for (const p of detail.prices) {
      const label = node("label", undefined, "check");
      const box = node("input");
      box.type = "checkbox";
      box.name = "section";
      box.value = p.section;
      label.append(box, ` ${p.section}`);
      sectionList.append(label);
    }
  }

  form.addEventListener("change", showKind);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void create();
  });
  onReady((detail) => {
    currency = detail.currency;
    say(message, "");
    showSections(detail);
    showKind();
    fields.disabled = detail.status === "cancelled";
    void refresh();
  });
  onChanged((e) => {
    if (e.source === "cancel") fields.disabled = true;
    void refresh();
  });
}
