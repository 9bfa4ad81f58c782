/**
 * The door's figures and status line: admitted of total (offline, counting
 * on with this device's scans not uploaded yet), scans waiting, conflicts,
 * whether the page is checking with the server or with its kit, and what
 * the server found wrong with uploaded scans. Drawn again after every change.
 */
import { set } from "../offline/local-store";
import { byId } from "../shell/page";
import { door, isStaff, LOG_KEY, ticketKey } from "./state";
import type { StoredKit } from "./state";

export function render(): void {
  byId("signin").hidden = isStaff();
  const { kit, stats, log } = door;
  const pending = log.pending.length;
  const base = stats ? stats.admitted : kit ? door.kitAdmitted.size : null;
  // Offline, the count goes on with this device's admissions that the server has not counted yet.
  byId("admitted-count").textContent = base === null ? "—" : String(base + pending);
  const total = stats ? stats.total : kit ? kit.total : null;
  byId("total-count").textContent = total === null ? "—" : String(total);
  byId("pending-count").textContent = String(pending);
  byId("conflict-count").textContent = String(stats ? stats.conflicts : kit?.conflicts ? kit.conflicts.length : 0);
  const online = navigator.onLine && door.reachable;
  const kitText = kit ? `door kit of ${new Date(kit.savedAt).toLocaleTimeString()}` : "no door kit on this device yet";
  let text = online
    ? `Online · checking with the server · ${kitText}`
    : `Offline · ${kit ? `admitting with the ${kitText}` : "cannot check codes: connect once to load the door kit"}`;
  if (pending) text += ` · ${pending}${pending === 1 ? " scan" : " scans"} to upload`;
  if (!door.storeWorks) text += " · this browser cannot keep the door kit: keep this page open";
  const network = byId("network");
  network.textContent = text;
  network.className = online ? "meta" : "notice";
  const problems = byId("problems");
  problems.replaceChildren();
  for (const p of log.problems) {
    const li = document.createElement("li");
    li.textContent = p.text;
    problems.append(li);
  }
  byId("problems-panel").hidden = log.problems.length === 0;
}

/** Takes a door kit (loaded or kept): its lists, and the event's name in the heading. */
export function useKit(k: StoredKit): void {
  door.kit = k;
  door.kitAdmitted = new Map((k.admitted ?? []).map((a) => [ticketKey(a), a]));
  door.kitVoid = new Map((k.void ?? []).map((v) => [ticketKey(v), v.minVersion]));
  byId("door-title").textContent = `Door: ${k.event.name}`;
  document.title = `Door · ${k.event.name} · Edge Tickets`;
  byId("door-event").textContent = `${new Date(k.event.startsAt).toLocaleString()} · ${k.event.venueName}`;
}

/** Keeps a value on the device; when the browser refuses, the status line says so (once). */
export async function save(key: string, value: unknown): Promise<void> {
  try {
    await set(key, value);
  } catch {
    if (door.storeWorks) {
      door.storeWorks = false;
      render();
    }
  }
}

/** Records an admission in this device's log, so the code is refused again even offline. */
export function rememberAdmitted(key: string, at: string | undefined, where: string | undefined): void {
  door.log.admitted[key] = { at, gate: where };
  void save(LOG_KEY, door.log);
}
