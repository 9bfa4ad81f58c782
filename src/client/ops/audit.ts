/**
 * The audit of every control and change of the event, newest first, read
 * 50 at a time. The entries are kept by id, so the regular re-read of the
 * newest page adds what is new without losing older pages already shown
 * ("Show older entries" pages on with the API's cursor).
 */
import type { AuditEntry } from "../../shared/ops";
import { byId, part, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import type { Live } from "./context";
import { el } from "./dom";
import { auditRow } from "./view";

const ACTIONS: Record<string, string> = {
  sales_paused: "Sales paused",
  sales_resumed: "Sales resumed",
  holds_extended: "Holds extended",
  queue_changed: "Waiting room changed",
  seats_blocked: "Seats blocked",
  block_released: "Block released",
  event_changed: "Event changed",
};

export interface AuditList {
  /** Reads a page of the audit: the newest (null), or the one after `cursor`. */
  load(cursor: string | null): Promise<void>;
}

export function startAudit(live: Live): AuditList {
  const message = byId("audit-message");
  const more = byId("audit-more");
  const audit = new Map<string, AuditEntry>();
  let auditCursor: string | null = null;

  async function load(cursor: string | null): Promise<void> {
    const res = await api<{ entries: AuditEntry[]; nextCursor: string | null }>(`${live.base}/ops/audit?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!res.ok) {
      say(message, problemDetail(res.data) || "The audit could not be read.", "error");
      return;
    }
    say(message, "");
    for (const entry of res.data.entries) audit.set(entry.id, entry);
    if (cursor || auditCursor === null) auditCursor = res.data.nextCursor;
    show();
  }

  function show(): void {
    const entries = [...audit.values()].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
    byId("audit-empty").hidden = entries.length > 0;
    part("#audit tbody").replaceChildren(
      ...entries.map((entry) => {
        const row = auditRow(entry);
        const action = el("td");
        action.append(el("span", { textContent: ACTIONS[entry.action] ?? entry.action }), " ", el("code", { textContent: entry.action }));
        return el(
          "tr",
          {},
          el("td", {}, el("time", { dateTime: entry.at, textContent: row.when })),
          el("td", { textContent: entry.actor }),
          action,
          el("td", { textContent: entry.reason || "—" }),
          el("td", { className: "ops-change", textContent: row.change }),
        );
      }),
    );
    more.hidden = !auditCursor;
  }

  more.addEventListener("click", () => void load(auditCursor));
  return { load };
}
