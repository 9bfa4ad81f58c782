/**
 * Opening the dashboard: the event's public detail and its report, read
 * together. The report answers 404 for another org's event (as the API
 * does), so the dashboard only shows, and announces `dashboard-ready` to the
 * panels, once the report says this organizer may manage the event.
 */
import type { EventDetail } from "../../shared/catalog";
import type { SalesReport } from "../../shared/reports";
import { isOrganizer } from "../organizer/shared";
import { byId, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { announceReady, type Dashboard } from "./context";
import type { Report } from "./report";

/** Returns the dashboard's start: run once, and again after every sign-in change. */
export function opener(dashboard: Dashboard, report: Report): () => Promise<void> {
  const { eventId } = dashboard;
  const message = byId("message");
  const body = byId("dashboard");

  return async function start(): Promise<void> {
    body.hidden = true;
    if (!isOrganizer()) {
      say(message, "Sign in as an organizer (top right) to see this event's dashboard.", "notice");
      return;
    }
    say(message, "Loading the dashboard…", "notice");
    const [event, sales] = await Promise.all([api<EventDetail>(`/api/events/${eventId}`), api<SalesReport>(`/api/events/${eventId}/report`)]);
    if (sales.status === 404 || event.status === 404) {
      say(message, "No event of your organization has this address.", "error");
      return;
    }
    if (!event.ok || !sales.ok) {
      say(message, problemDetail((sales.ok ? event : sales).data) || "The dashboard could not be loaded.", "error");
      return;
    }
    const detail = event.data;
    const cancelled = detail.status === "cancelled";
    byId("event-name").textContent = detail.name + (cancelled ? " (cancelled)" : "");
    document.title = `${detail.name} · Dashboard · Edge Tickets`;
    const meta = byId("event-meta");
    meta.textContent = `${new Date(detail.startsAt).toLocaleString()} · ${detail.venue.name}, ${detail.venue.city} · `;
    const link = document.createElement("a");
    link.href = `/events/${eventId}`;
    link.textContent = "the fans' page";
    meta.append(link);
    say(message, cancelled ? "This event is cancelled: it sells nothing, and its bookings are refunded." : "");
    body.hidden = false;
    report.show(sales.data);
    void report.drawChart();
    announceReady(detail);
  };
}
