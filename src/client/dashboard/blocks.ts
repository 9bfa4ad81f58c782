/**
 * The dashboard's blocks panel: seats chosen on the map (seat-picker.ts)
 * and places of general admission sections (by count) are blocked with a
 * reason, and blocks are listed with a release button each. The map and the
 * list are read again after every change made here or elsewhere on the
 * dashboard (a refund may block seats); a cancelled event blocks nothing.
 */
import type { Block } from "../../shared/organizer";
import { byId, say } from "../shell/page";
import { api, problemDetail } from "../shell/session";
import { type Dashboard, onChanged, onReady } from "./context";
import { SeatPicker } from "./seat-picker";

export function startBlocks(dashboard: Dashboard): void {
  const { eventId } = dashboard;
  const message = byId("blocks-message");
  const form = byId<HTMLFormElement>("block-form");
  const list = byId("blocks");
  const picker = new SeatPicker((text) => say(message, text, "notice"));

  async function refresh(): Promise<void> {
    const [seats, blocks] = await Promise.all([api<{ statuses: string }>(`/api/events/${eventId}/seats`), api<{ blocks: Block[] }>(`/api/events/${eventId}/blocks`)]);
    if (!seats.ok || !blocks.ok) {
      say(message, problemDetail((seats.ok ? blocks : seats).data), "error");
      return;
    }
    picker.update(seats.data.statuses);
    renderBlocks(blocks.data.blocks);
  }

  /** A block's places in words: general admission counted per section, seats named (the first few). */
  function summarize(indexes: number[]): string {
    const ga = new Map<string, number>();
    const seats: string[] = [];
    for (const i of indexes) {
      const s = picker.sectionOf(i);
      if (s && s.kind === "ga") ga.set(s.name, (ga.get(s.name) ?? 0) + 1);
      else seats.push(picker.describe(i));
    }
    const parts = [...ga].map(([name, n]) => `${name}, ${n} general admission place${n === 1 ? "" : "s"}`);
    return parts.concat(seats.slice(0, 8)).join("; ") + (seats.length > 8 ? "; …" : "");
  }

  function renderBlocks(blocks: Block[]): void {
    list.replaceChildren();
    if (blocks.length === 0) {
      const li = document.createElement("li");
      li.textContent = "No seats are blocked.";
      list.append(li);
      return;
    }
    for (const b of blocks) {
      const li = document.createElement("li");
      const seats = b.ticketIds.map((id) => Number(id.slice(id.lastIndexOf(".") + 1)));
      const what = document.createElement("p");
      what.textContent = `${b.reason}: ${seats.length} place${seats.length === 1 ? "" : "s"} (${summarize(seats)})`;
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = `by ${b.createdBy}, ${new Date(b.createdAt).toLocaleString()}`;
      const release = document.createElement("button");
      release.type = "button";
      release.className = "secondary";
      release.textContent = "Release";
      release.setAttribute("aria-label", `Release the block ${b.reason} (${seats.length} places)`);
      release.addEventListener("click", () => void releaseBlock(b, seats.length, release));
      li.append(what, meta, release);
      list.append(li);
    }
  }

  async function releaseBlock(b: Block, places: number, release: HTMLButtonElement): Promise<void> {
    release.disabled = true;
    const res = await api<{ released: string[] }>(`/api/events/${eventId}/blocks/${b.blockId}`, { method: "DELETE" });
    if (!res.ok) {
      release.disabled = false;
      say(message, problemDetail(res.data), "error");
      return;
    }
    say(message, `Released ${res.data.released.length} places of ${b.reason}: they are on sale again.`, "notice");
    await refresh();
    dashboard.changed("blocks");
  }

  async function block(): Promise<void> {
    const seats = [...new Set([...picker.chosen, ...picker.gaPlaces()])];
    if (seats.length === 0) {
      say(message, "Choose seats on the map (or a number of general admission places) first.", "error");
      return;
    }
    const reason = byId<HTMLInputElement>("block-reason").value.trim();
    const res = await api<{ ticketIds: string[]; reason: string }>(`/api/events/${eventId}/blocks`, {
      method: "POST",
      body: { ticketIds: seats.map((i) => `${eventId}.${i}`), reason },
    });
    if (res.status === 409) {
      say(message, `${problemDetail(res.data)} Nothing was blocked; the map is updated, choose again.`, "error");
      await refresh();
      return;
    }
    if (!res.ok) {
      say(message, problemDetail(res.data), "error");
      return;
    }
    say(message, `Blocked ${res.data.ticketIds.length} places: ${res.data.reason}.`, "notice");
    picker.clear();
    await refresh();
    dashboard.changed("blocks");
  }

  /** A cancelled event sells nothing: there is nothing to take off sale. */
  function showCancelled(cancelled: boolean): void {
    form.hidden = cancelled;
    if (cancelled) say(message, "The event is cancelled: no seats can be blocked.", "notice");
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void block();
  });
  onReady((detail) => {
    showCancelled(detail.status === "cancelled");
    picker.reset(detail);
    void refresh();
  });
  onChanged((e) => {
    if (e.source === "cancel") showCancelled(true);
    if (picker.ready && e.source !== "blocks") void refresh();
  });
}
