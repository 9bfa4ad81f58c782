/**
 * The organizer page's forms, in the order an event is made: a performer, a
 * venue from a template, the event (one price for every section of the
 * venue, with an optional service fee and tax), its waiting room. Each
 * fills the id it made into the next form, and says what it made (or the
 * API's refusal) in #message.
 */
import type { FeePolicy } from "../../shared/pricing";
import { byId, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { parseAmount, parsePercent } from "./amounts";
import type { EventList } from "./events";
import { type Fields, formFields, isOrganizer } from "./shared";

interface Call {
  path: string;
  method: string;
  body: unknown;
}

/**
 * The event form's fee and tax, in US dollars (the currency events made
 * here are sold in): null when all three are empty (the API's default, no
 * fees), else the policy, or what to correct.
 */
function feesOf(f: Fields): FeePolicy | null | string {
  if (!f("feeFixed").trim() && !f("feePercent").trim() && !f("taxRate").trim()) return null;
  const feeFixedCents = parseAmount(f("feeFixed"), "usd");
  if (feeFixedCents === null) return "The fixed service fee must be an amount in US dollars, such as 1.50.";
  const feePercentBp = parsePercent(f("feePercent"));
  if (feePercentBp === null) return "The service fee's percent must be a number from 0 to 100, with at most two decimals.";
  const taxRateBp = parsePercent(f("taxRate"));
  if (taxRateBp === null) return "The tax rate must be a percent from 0 to 100, with at most two decimals.";
  return { feeFixedCents, feePercentBp, taxRateBp };
}

export function startCreateForms(list: EventList): void {
  const message = byId("message");
  /** The sections of the venues made on this page, by venue id: the event form prices each. */
  const sections = new Map<string, string[]>();

  /** `build` answers the call to make, or (as text) what the organizer must correct first. */
  function form<T>(id: string, build: (f: Fields) => Call | string, done: (data: T, f: Fields) => string): void {
    const el = byId<HTMLFormElement>(id);
    el.addEventListener("submit", (e) => {
      e.preventDefault();
      void (async () => {
        if (!isOrganizer()) {
          say(message, "Sign in as an organizer first.", "error");
          return;
        }
        const fields = formFields(el);
        const call = build(fields);
        if (typeof call === "string") {
          say(message, call, "error");
          return;
        }
        const { path, method, body } = call;
        const res = await api<T>(path, { method, body });
        if (!res.ok) {
          say(message, problemDetail(res.data), "error");
          return;
        }
        say(message, done(res.data, fields), "notice");
      })();
    });
  }

  form<{ id: string }>(
    "performer-form",
    (f) => ({ path: "/api/performers", method: "POST", body: { name: f("name"), genre: f("genre") || undefined } }),
    (d) => {
      byId<HTMLInputElement>("event-performer").value = d.id;
      return `Performer created: ${d.id}`;
    },
  );
  form<{ id: string; capacity: number; sections: string[] }>(
    "venue-form",
    (f) => ({
      path: "/api/venues",
      method: "POST",
      body: {
        name: f("name"),
        city: f("city"),
        country: f("country"),
        lat: Number(f("lat")),
        lng: Number(f("lng")),
        timezone: f("timezone") || undefined,
        template: f("template"),
      },
    }),
    (d) => {
      sections.set(d.id, d.sections);
      byId<HTMLInputElement>("event-venue").value = d.id;
      return `Venue created: ${d.id} with ${d.capacity} places in ${d.sections.length} sections.`;
    },
  );
  form<{ id: string; ticketCount: number }>(
    "event-form",
    (f) => {
      const fees = feesOf(f);
      if (typeof fees === "string") return fees;
      return {
        path: "/api/events",
        method: "POST",
        body: {
          name: f("name"),
          type: f("type"),
          startsAt: new Date(f("startsAt")).toISOString(),
          venueId: f("venueId"),
          performerId: f("performerId"),
          onSaleAt: f("onSaleAt") ? new Date(f("onSaleAt")).toISOString() : undefined,
          prices: (sections.get(f("venueId")) ?? []).map((section) => ({ section, priceCents: Math.round(Number(f("price")) * 100) })),
          fees: fees ?? undefined,
        },
      };
    },
    (d) => {
      byId<HTMLInputElement>("queue-event").value = d.id;
      list.reload();
      return `Event created: ${d.id} with ${d.ticketCount} tickets. It is at /events/${d.id}`;
    },
  );
  form<{ id: string }>(
    "queue-form",
    (f) => ({ path: `/api/events/${f("eventId")}`, method: "PATCH", body: { queue: { enabled: f("enabled") === "on", batchSize: Number(f("batchSize")) } } }),
    (d, f) => `Waiting room ${f("enabled") === "on" ? "on" : "off"} for ${d.id}.`,
  );
}
