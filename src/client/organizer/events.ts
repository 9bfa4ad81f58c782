/**
 * The organizer page's list of the org's events, 20 at a time ("Show more
 * events" pages on with the API's cursor), each linking to its dashboard
 * with its live counts. Drawn again from the start after a sign-in change
 * and after an event is created.
 */
import { byId, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { isOrganizer } from "./shared";

interface OrgEvent {
  id: string;
  name: string;
  status: string;
  startsAt: string;
  venueName: string;
  city: string;
  ticketCount: number;
  availability: { total: number; available: number; sold: number; blocked: number } | null;
}

interface OrgEventsPage {
  events: OrgEvent[];
  nextCursor: string | null;
}

export interface EventList {
  /** Reads the list again from its first page. */
  reload(): void;
}

function item(e: OrgEvent): HTMLLIElement {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = `/organizer/events/${e.id}`;
  link.textContent = e.name;
  const meta = document.createElement("span");
  meta.className = "meta";
  const a = e.availability;
  meta.textContent =
    `${new Date(e.startsAt).toLocaleString()} · ${e.venueName}, ${e.city} · ` +
    (e.status === "cancelled" ? "cancelled · " : "") +
    (a ? `${a.sold} sold, ${a.available} available, ${a.blocked} blocked of ${a.total}` : `${e.ticketCount} tickets`);
  li.append(link, meta);
  return li;
}

export function startEventList(): EventList {
  const events = byId("org-events");
  const more = byId("more-events");
  const status = byId("events-status");
  let cursor: string | null = null;

  async function load(reset: boolean): Promise<void> {
    if (reset) {
      events.replaceChildren();
      cursor = null;
    }
    more.hidden = true;
    if (!isOrganizer()) {
      say(status, "Sign in as an organizer (top right) to see your events.", "notice");
      return;
    }
    const q = new URLSearchParams({ limit: "20" });
    if (cursor) q.set("cursor", cursor);
    const res = await api<OrgEventsPage>(`/api/organizer/events?${q}`);
    if (!res.ok) {
      say(status, problemDetail(res.data), "error");
      return;
    }
    say(status, reset && res.data.events.length === 0 ? "Your organization has no events yet: create one below." : "");
    for (const e of res.data.events) events.append(item(e));
    cursor = res.data.nextCursor;
    more.hidden = !cursor;
  }

  more.addEventListener("click", () => void load(false));
  document.addEventListener("account-changed", () => void load(true));
  void load(true);
  return { reload: () => void load(true) };
}
