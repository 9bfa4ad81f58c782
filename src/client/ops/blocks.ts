/**
 * Blocking seats from the live view: ticket ids in (any mix of spaces,
 * commas and lines), and the list of blocks with a release button each.
 * (The dashboard has the seat map for choosing seats; here ids are typed or
 * pasted.) Both go through `control()`, so the lists are read again after.
 */
import type { Block } from "../../shared/organizer";
import { formFields } from "../organizer/shared";
import { byId, part, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { control, type Live, post, submitter } from "./context";
import { clock, el } from "./dom";

export interface BlockList {
  load(): Promise<void>;
}

export function startBlockControls(live: Live): BlockList {
  const result = byId("block-result");
  const form = byId<HTMLFormElement>("block-form");

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const f = formFields(form);
    const ticketIds = f("ticketIds").split(/[\s,;]+/).filter(Boolean);
    if (ticketIds.length === 0) {
      say(result, "List the ticket ids to block.", "error");
      return;
    }
    void (async () => {
      const data = await control(
        live,
        result,
        submitter(e),
        () => post<{ ticketIds: string[]; reason: string }>(live, "/blocks", { ticketIds, reason: f("reason") }),
        (d) => `Blocked ${d.ticketIds.length}${d.ticketIds.length === 1 ? " seat" : " seats"}: ${d.reason}.`,
      );
      if (data) form.reset();
    })();
  });

  function row(b: Block): HTMLTableRowElement {
    const release = el("button", { type: "button", className: "secondary", textContent: "Release" });
    release.setAttribute("aria-label", `Release the block ${b.reason} (${b.ticketIds.length}${b.ticketIds.length === 1 ? " seat)" : " seats)"}`);
    release.addEventListener("click", () => {
      void control(
        live,
        result,
        release,
        () => api<{ released: string[] }>(`${live.base}/blocks/${b.blockId}`, { method: "DELETE" }),
        (d) => `Released ${d.released.length}${d.released.length === 1 ? " seat" : " seats"} (${b.reason}): on sale again.`,
      );
    });
    const seats = b.ticketIds.length > 6 ? `${b.ticketIds.slice(0, 6).join(", ")} and ${b.ticketIds.length - 6} more` : b.ticketIds.join(", ");
    return el(
      "tr",
      {},
      el("th", { scope: "row", textContent: b.reason }),
      el("td", { textContent: `${b.ticketIds.length} · ${seats}` }),
      el("td", { textContent: b.createdBy }),
      el("td", {}, el("time", { dateTime: b.createdAt, textContent: clock(Date.parse(b.createdAt)) })),
      el("td", {}, release),
    );
  }

  return {
    async load() {
      const res = await api<{ blocks: Block[] }>(`${live.base}/blocks`);
      const body = part("#blocks tbody");
      if (!res.ok) {
        say(result, problemDetail(res.data) || `The blocks could not be read (${res.status}).`, "error");
        return;
      }
      byId("blocks-empty").hidden = res.data.blocks.length > 0;
      body.replaceChildren(...res.data.blocks.map(row));
    },
  };
}
