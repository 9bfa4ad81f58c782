/**
 * The live operations page's logic that needs no DOM, typed against the
 * API's own schema (src/shared/ops.ts): the SSE reader's frame parser, the
 * figures as display text, the per-minute charts' geometry and the audit's
 * before/after in words. The rest of src/client/ops/ does the DOM; keeping
 * these apart lets them be tested without a browser.
 */
import type { AuditEntry, OpsFigures } from "../../shared/ops";

export interface SseFrame {
  event: string;
  data: string;
  id: string | null;
  /** A `retry:` field: how long to wait before reconnecting, in ms. */
  retry: number | null;
}

/**
 * Splits the text of an event stream read so far into complete frames and
 * the rest (a frame not yet ended by a blank line), per the SSE format:
 * `field: value` lines, `data` lines joined by newlines, comments (`:`)
 * ignored, CRLF, LF or CR line ends. A frame with only `retry:` is kept for its hint.
 */
export function sseFrames(text: string): { frames: SseFrame[]; rest: string } {
  // A CR at the very end may be the first half of a CRLF still on its way.
  const held = text.endsWith("\r") ? "\r" : "";
  const normal = (held ? text.slice(0, -1) : text).replace(/\r\n?/g, "\n");
  const blocks = normal.split("\n\n");
  const rest = (blocks.pop() ?? "") + held;
  const frames: SseFrame[] = [];
  for (const block of blocks) {
    const frame: SseFrame = { event: "message", data: "", id: null, retry: null };
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") frame.event = value;
      else if (field === "data") data.push(value);
      else if (field === "id") frame.id = value;
      else if (field === "retry" && /^\d+$/.test(value)) frame.retry = Number(value);
    }
    frame.data = data.join("\n");
    if (data.length > 0 || frame.retry !== null) frames.push(frame);
  }
  return { frames, rest };
}

export interface SectionRow {
  name: string;
  cells: string[];
  /** Shares of the section's places, in percent, for the bar: available, held, sold, blocked. */
  shares: number[];
  label: string;
}

export interface OpsView {
  title: string;
  meta: string;
  /** Display text by figure key (the page's `data-figure` attributes). */
  figures: Record<string, string>;
  paused: { headline: string; detail: string } | null;
  unavailable: string | null;
  /** The parts whose figures are not current (shown as they were last read). */
  stale: { seatRoom: boolean; payments: boolean; queue: boolean };
  queueShown: boolean;
  queueState: { paused: boolean; closed: boolean } | null;
  sections: SectionRow[];
}

/** The figures of one frame in words and numbers, as the page shows them. */
export function opsView(f: OpsFigures): OpsView {
  const n = (v: number) => new Intl.NumberFormat("en").format(v);
  const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 1000) / 10}%`);
  const ms = (v: number | null) => (v === null ? "—" : v < 1000 ? `${Math.round(v)} ms` : `${Math.round(v / 100) / 10} s`);
  const span = (seconds: number | null) => {
    if (seconds === null) return "—";
    const s = Math.max(0, Math.round(seconds));
    if (s < 90) return `${s} s`;
    const minutes = Math.round(s / 60);
    if (minutes < 90) return `${minutes} min`;
    return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
  };
  const clock = (iso: string) => new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const partNames: Record<string, string> = { seatRoom: "the seat room (seats, holds, health)", queue: "the waiting room", payments: "payments", sections: "the sections" };

  const figures: Record<string, string> = {};
  /** Counts shown under the name the frame gives them: `prefix.key` is `source[key]`. */
  const counts = <K extends string>(prefix: string, source: Record<NoInfer<K>, number>, keys: readonly K[]) => {
    for (const key of keys) figures[`${prefix}.${key}`] = n(source[key]);
  };
  const room = f.seatRoom;
  if (room) {
    const s = room.seats;
    counts("seats", s, ["available", "held", "sold", "blocked", "total"]);
    figures["sellOut.eta"] = s.available === 0 ? "sold out" : room.sellOut.etaSeconds === null ? "—" : span(room.sellOut.etaSeconds);
    figures["sellOut.rate"] = `${room.sellOut.seatsPerMinute} seats/min`;
    counts("holds", room.holds, ["live", "createdThisMinute"]);
    figures["holds.created"] = n(room.totals.holdsCreated);
    figures["holds.booked"] = n(room.totals.holdsBooked);
    figures["holds.released"] = n(room.totals.holdsReleased);
    figures["holds.expired"] = n(room.totals.holdsExpired);
    figures["holds.conversion"] = pct(room.holds.conversion);
    figures["holds.medianToPay"] = span(room.holds.medianSecondsToPay);
    figures["health.stepP50"] = ms(room.health.stepP50Ms);
    figures["health.stepP99"] = ms(room.health.stepP99Ms);
    counts("health", room.health, ["steps", "errors"]);
    for (const [reason, count] of Object.entries(room.health.rejected)) figures[`rejected.${reason}`] = n(count);
    figures["health.rejected"] = n(Object.values(room.health.rejected).reduce((a, b) => a + b, 0));
    figures["health.since"] = clock(room.countingSince);
  }
  const pay = f.payments;
  if (pay) {
    counts("payments", pay, ["authorized", "captured", "cancelled", "refunded", "refundsPending", "failed"]);
    figures["payments.lagP50"] = ms(pay.webhookLagP50Ms);
    figures["payments.lagP99"] = ms(pay.webhookLagP99Ms);
  }
  const q = f.queue;
  if (q) {
    const st = q.settings;
    counts("queue", q, ["waiting", "early", "late", "admittedThisMinute"]);
    figures["queue.admitted"] = n(q.admittedTotal);
    figures["queue.lastAdmitted"] = q.lastAdmittedNumber === 0 ? "—" : `#${n(q.lastAdmittedNumber)}`;
    figures["queue.medianWait"] = span(q.medianWaitSeconds);
    figures["queue.sessions"] = n(q.sessionsActive);
    figures["queue.state"] = st.closed ? "closed" : st.paused ? "admission paused" : q.opened ? "open, admitting" : "not open yet (lottery)";
    figures["queue.settings"] =
      `${n(st.batchSize ?? 100)} fans every ${n(st.tickSeconds ?? 2)} s, at most ${n(st.maxActive ?? 1000)} shopping, ${n(st.sessionMinutes ?? 15)} min each`;
  }

  const pause = room?.paused ?? null;
  const unavailable = f.unavailable;
  const sections = (room?.seats.bySection ?? []).map((s): SectionRow => {
    const of = (v: number) => (s.total > 0 ? (v / s.total) * 100 : 0);
    return {
      name: s.name,
      cells: [n(s.available), n(s.held), n(s.sold), n(s.blocked), n(s.total)],
      shares: [of(s.available), of(s.held), of(s.sold), of(s.blocked)],
      label: `${s.name}: ${n(s.available)} available, ${n(s.held)} held, ${n(s.sold)} sold, ${n(s.blocked)} blocked of ${n(s.total)}`,
    };
  });
  return {
    title: f.name,
    meta: `${f.status === "cancelled" ? "Cancelled · " : ""}Starts ${new Date(f.startsAt).toLocaleString("en-GB")}${f.onSaleAt ? ` · on sale from ${new Date(f.onSaleAt).toLocaleString("en-GB")}` : ""}`,
    figures,
    paused: pause
      ? {
          headline: "Sales are paused",
          detail: `Since ${clock(pause.since)}, by ${pause.by}: ${pause.reason}. Fans who try to hold seats are told to retry in ${n(pause.retryAfterSeconds)} s; holds already made go on.`,
        }
      : null,
    unavailable: unavailable.length > 0 ? `Not current: ${unavailable.map((p) => partNames[p] ?? p).join(", ")} could not be read just now. Their last figures are shown, dimmed; the rest is live.` : null,
    stale: { seatRoom: room === null, payments: pay === null, queue: q === null && f.unavailable.includes("queue") },
    queueShown: q !== null || f.unavailable.includes("queue"),
    queueState: q ? { paused: q.settings.paused ?? false, closed: q.settings.closed ?? false } : null,
    sections,
  };
}

export interface ChartSeries {
  key: string;
  label: string;
}

export interface ChartModel {
  width: number;
  height: number;
  /** The plot area: left, top, right, bottom. */
  box: [number, number, number, number];
  max: number;
  /** Gridlines: y position and label. */
  grid: { y: number; label: string }[];
  /** Axis labels along the bottom: x position and label. */
  times: { x: number; label: string }[];
  lines: { key: string; label: string; points: string; total: number; last: number }[];
  description: string;
}

/**
 * A per-minute line chart of the given counters over the minutes given
 * (oldest first): the scale rounds up to a readable maximum, and the
 * description says in words what the lines show (for `<desc>`).
 * `levels` are series that are a level (the line now), not a count per minute.
 * `width` is the chart's width in its own units: the page passes the width
 * it is drawn at, so the labels keep their size on a phone.
 */
export function chartModel(minutes: readonly { at: number }[], series: ChartSeries[], levels: string[] = [], width = 640): ChartModel {
  const height = 220;
  const box: [number, number, number, number] = [44, 12, width - 12, height - 26];
  const [left, top, right, bottom] = box;
  const value = (m: { at: number } | undefined, key: string) => {
    const v: unknown = m ? (m as Record<string, unknown>)[key] : undefined;
    return typeof v === "number" ? v : 0;
  };
  let peak = 0;
  for (const m of minutes) for (const s of series) peak = Math.max(peak, value(m, s.key));
  // 1, 2 or 5 times a power of ten, at least 4, so the gridlines fall on round numbers.
  let max = 4;
  if (peak > max) {
    const power = 10 ** Math.floor(Math.log10(peak));
    max = [1, 2, 5, 10].map((k) => k * power).find((v) => v >= peak) ?? 10 * power;
  }
  const x = (i: number) => (minutes.length <= 1 ? right : left + ((right - left) * i) / (minutes.length - 1));
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const round = (v: number) => Math.round(v * 10) / 10;
  const fmt = (v: number) => new Intl.NumberFormat("en").format(v);
  const lines = series.map((s) => ({
    key: s.key,
    label: s.label,
    points: minutes.map((m, i) => `${round(x(i))},${round(y(value(m, s.key)))}`).join(" "),
    total: minutes.reduce((sum, m) => sum + value(m, s.key), 0),
    last: value(minutes[minutes.length - 1], s.key),
  }));
  const span = minutes.length;
  const times = span > 1 ? [0, Math.floor((span - 1) / 2), span - 1].map((i) => ({ x: round(x(i)), label: i === span - 1 ? "now" : `−${span - 1 - i} min` })) : [];
  const description =
    `Per minute, the last ${span} minutes. ` +
    lines.map((l) => (levels.includes(l.key) ? `${l.label}: ${fmt(l.last)} now` : `${l.label}: ${fmt(l.total)} in all, ${fmt(l.last)} this minute`)).join("; ") +
    `. Highest value in one minute: ${fmt(peak)}.`;
  return {
    width,
    height,
    box,
    max,
    grid: [0, max / 2, max].map((v) => ({ y: round(y(v)), label: fmt(v) })),
    times,
    lines,
    description,
  };
}

/** An audit entry's reason, before and after, in words; ISO instants as times. */
export function auditRow(entry: AuditEntry): { when: string; change: string } {
  const time = (iso: string) => {
    const d = new Date(iso);
    const today = d.toDateString() === new Date().toDateString();
    return d.toLocaleString("en-GB", today ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  };
  const words = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return "—";
    if (typeof v === "string") return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) ? time(v) : v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return v.length > 5 ? `${v.length} items` : `[${v.map((i) => words(i, depth + 1)).join(", ")}]`;
    if (typeof v === "object") {
      if (depth > 1) return "{…}";
      const parts = Object.entries(v as Record<string, unknown>).map(([k, i]) => `${k}: ${words(i, depth + 1)}`);
      return parts.length === 0 ? "—" : depth === 0 ? parts.join("; ") : `{${parts.join(", ")}}`;
    }
    return String(v);
  };
  const cut = (s: string) => (s.length > 240 ? `${s.slice(0, 239)}…` : s);
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  // Fields two levels deep as "queue.batchSize", so a change of one setting reads as that setting alone.
  const flat = (v: Record<string, unknown>) => {
    const out = new Map<string, unknown>();
    for (const [k, i] of Object.entries(v)) {
      if (isRecord(i)) for (const [k2, i2] of Object.entries(i)) out.set(`${k}.${k2}`, i2);
      else out.set(k, i);
    }
    return out;
  };
  const { before, after } = entry;
  if (isRecord(before) && isRecord(after)) {
    const b = flat(before);
    const a = flat(after);
    if ([...b.keys()].some((k) => a.has(k))) {
      const keys = [...new Set([...b.keys(), ...a.keys()])].filter((k) => JSON.stringify(b.get(k)) !== JSON.stringify(a.get(k)));
      const change = keys.map((k) => `${k}: ${words(b.get(k), 1)} → ${words(a.get(k), 1)}`).join("; ");
      return { when: time(entry.at), change: cut(change || "no change") };
    }
  }
  return { when: time(entry.at), change: `${cut(words(before, 0))} → ${cut(words(after, 0))}` };
}
