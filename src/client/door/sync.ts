/**
 * The door and the server: the event's door kit (`GET .../door-kit`, then
 * only what changed since it), the live figures (`GET .../door/stats`), and
 * the upload of scans admitted offline (`POST .../door-kit/scans`), which
 * the server records and answers with conflicts, never merging them away.
 */
import { byId, say } from "../shell/page";
import { problemDetail } from "../shell/session";
import { deviceId } from "./device";
import { call } from "./server";
import type { DoorResponse } from "./server";
import { door, eventId, isStaff, KIT_KEY, LOG_KEY } from "./state";
import type { Kit, Stats, StoredKit, Uploaded } from "./state";
import { render, save, useKit } from "./status";
import { seatText, time, whereWhen } from "./words";

export async function loadKit(): Promise<void> {
  if (!isStaff()) return;
  const message = byId("message");
  // With a kit already here, only what was recorded since it (a stadium's door need not download every admission again).
  const cursor = door.kit?.cursor;
  const since = cursor ? `?since=${encodeURIComponent(cursor)}` : "";
  let res: DoorResponse<Kit>;
  try {
    res = await call<Kit>(`/api/events/${eventId}/door-kit${since}`);
  } catch {
    render();
    return;
  }
  const { kit } = door;
  if (res.ok) {
    const served = Date.parse(res.data.issuedAt || res.headers.get("date") || "");
    const fresh: Kit =
      res.data.since && kit
        ? { ...res.data, admitted: (kit.admitted ?? []).concat(res.data.admitted ?? []), conflicts: (kit.conflicts ?? []).concat(res.data.conflicts ?? []) }
        : res.data;
    const k: StoredKit = { ...fresh, clockOffsetMs: Number.isFinite(served) ? served - Date.now() : 0, savedAt: new Date().toISOString() };
    useKit(k);
    await save(KIT_KEY, k);
    say(message, "");
  } else if (res.status === 401) {
    say(message, "Your sign-in has expired. Sign in again to load the door kit and send scans to the server.", "error");
  } else if (res.status === 403) {
    say(message, "This account may not work the door of this event: sign in as door staff of its organizer.", "error");
  } else if (res.status === 404) {
    say(message, "No event of your organization has this address. Check the link you were given.", "error");
  } else {
    say(message, `The door kit could not be loaded (${problemDetail(res.data) || `server error ${res.status}`}). ${kit ? "Using the one on this device." : "Try again in a moment."}`, "error");
  }
  render();
}

export async function loadStats(): Promise<void> {
  if (!isStaff() || !navigator.onLine) {
    render();
    return;
  }
  try {
    const res = await call<Stats>(`/api/events/${eventId}/door/stats`);
    if (res.ok) door.stats = res.data;
  } catch {
    // Unreachable: the figures stay as they were.
  }
  render();
}

/** Sends the scans admitted offline, 100 at a time; what the server found wrong is listed for the staff. */
export async function upload(): Promise<void> {
  if (door.uploading || door.log.pending.length === 0 || !navigator.onLine || !isStaff()) return;
  door.uploading = true;
  try {
    while (door.log.pending.length > 0) {
      const batch = door.log.pending.slice(0, 100);
      let res: DoorResponse<Uploaded>;
      try {
        res = await call<Uploaded>(`/api/events/${eventId}/door-kit/scans`, {
          method: "POST",
          body: { deviceId: deviceId(), scans: batch.map((s) => ({ token: s.token, gate: s.gate, scannedAt: s.scannedAt })) },
        });
      } catch {
        return;
      }
      if (!res.ok) {
        say(byId("message"), `The scans made offline could not be uploaded yet (${problemDetail(res.data) || `server error ${res.status}`}). They stay on this device.`, "error");
        return;
      }
      const results = res.data.results ?? [];
      batch.forEach((scan, i) => {
        const r = results[i];
        const what = `${seatText(scan.label)} (${scan.ticketId}), admitted offline at ${scan.gate} at ${time(scan.scannedAt)}`;
        if (r?.outcome === "conflict")
          door.log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: `Conflict: ${what}, was also admitted ${whereWhen({ gate: r.gate, at: r.admittedAt })}. Two people may have entered on one ticket.` });
        else if (r?.outcome === "void") door.log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: `Void: ${what}, had been refunded or passed on.` });
        else if (r?.outcome === "invalid" || r?.outcome === "stale") door.log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: `Refused by the server (${r.outcome}): ${what}.` });
      });
      door.log.pending = door.log.pending.slice(batch.length);
      await save(LOG_KEY, door.log);
      render();
    }
    void loadStats();
  } finally {
    door.uploading = false;
  }
}
