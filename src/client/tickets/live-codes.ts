/**
 * The ticket cards and their live codes. Every 30 seconds each card signs a
 * new **rotating code** (`rotatingCode`, src/shared/ticket-codes.ts: the
 * very function whose output the door checks) with the holder key, and draws
 * it as a QR code (qrcode's browser build, as SVG) with a bar counting down
 * to the next one, so door staff can see the code is live and a screenshot
 * is worthless two minutes later. Windows follow the server's clock (the
 * offset of the last answer), since the door refuses codes from the future.
 * A pass without a holder key (a print code) is drawn as it is.
 */
import { toString as qrSvg } from "qrcode/lib/browser.js";
import type { HeldTicket } from "../../shared/booking";
import { formatClock, formatEventTime } from "../../shared/language";
import { TICKETS_COPY } from "../../shared/page-copy/tickets";
import { CODE_WINDOW_SECONDS as WINDOW, decodePass, rotatingCode } from "../../shared/ticket-codes";
import { pageLanguage } from "../shell/language";
import type { HolderKey } from "./holder-key";

interface LiveCode {
  pass: string;
  el: HTMLElement;
  img: HTMLImageElement;
  fill: HTMLElement;
  status: HTMLElement;
  rotating: boolean;
}

let holder: HolderKey | null = null;
let offsetMs = 0;
let shownWindow: number | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let live: LiveCode[] = [];
let onDrawError: () => void = () => {};

/** Stops the codes (the cards stay until the list is cleared). */
export function stopCodes(): void {
  if (timer) clearInterval(timer);
  timer = null;
  live = [];
  shownWindow = null;
}

/**
 * Draws the tickets into `list`, by event, soonest first, and starts their
 * codes: signed with `key`, by the clock `clockOffsetMs` ahead of this one.
 */
export function showTickets(list: HTMLElement, tickets: HeldTicket[], key: HolderKey, clockOffsetMs: number, onError: () => void): void {
  holder = key;
  offsetMs = clockOffsetMs;
  onDrawError = onError;
  const byEvent = new Map<string, HeldTicket[]>();
  for (const t of [...tickets].sort((a, b) => Date.parse(a.event.startsAt) - Date.parse(b.event.startsAt))) {
    const group = byEvent.get(t.eventId) ?? [];
    group.push(t);
    byEvent.set(t.eventId, group);
  }
  for (const [eventId, group] of byEvent) {
    const e = group[0]?.event;
    if (!e) continue;
    const section = document.createElement("section");
    section.setAttribute("aria-labelledby", `e-${eventId}`);
    const h = document.createElement("h2");
    h.id = `e-${eventId}`;
    h.textContent = e.name;
    const meta = document.createElement("p");
    meta.className = "meta";
    // In the venue's time zone (older saved tickets have none: UTC, named).
    const date = formatEventTime(e.startsAt, e.timeZone, pageLanguage());
    meta.textContent = TICKETS_COPY[pageLanguage()].eventMeta({ date, venue: e.venueName, city: e.city, count: group.length });
    const grid = document.createElement("div");
    grid.className = "tickets";
    for (const t of group) grid.append(card(t));
    section.append(h, meta, grid);
    list.append(section);
  }
  timer = setInterval(tick, 1000);
  tick();
}

function card(t: HeldTicket): HTMLElement {
  const words = TICKETS_COPY[pageLanguage()];
  const el = document.createElement("article");
  el.className = `ticket ${t.state}`;
  el.dataset.ticketId = t.id;
  el.dataset.state = t.state;
  const label = words.place(t);
  const p = document.createElement("p");
  p.className = "ticket-seat";
  p.textContent = label;
  el.append(p);
  if (t.received) {
    const badge = document.createElement("p");
    badge.className = "meta";
    badge.textContent = words.received;
    el.append(badge);
  }
  const note = (text: string) => {
    const n = document.createElement("p");
    n.className = "ticket-note";
    n.textContent = text;
    el.append(n);
  };
  if (t.state === "void" || !t.pass) {
    note(words.void);
    return el;
  }
  if (t.state === "admitted") {
    note(words.admitted);
    return el;
  }
  const rotating = Boolean(decodePass(t.pass)?.h);
  const box = document.createElement("div");
  box.className = "live-code";
  const img = document.createElement("img");
  img.alt = words.qrAlt({ place: label, rotating });
  const status = document.createElement("p");
  status.className = "meta live-status";
  status.setAttribute("aria-hidden", "true");
  const bar = document.createElement("div");
  bar.className = "live-bar";
  bar.setAttribute("aria-hidden", "true");
  const fill = document.createElement("span");
  bar.append(fill);
  box.append(img, bar, status);
  el.append(box);
  live.push({ pass: t.pass, el, img, fill, status, rotating });
  return el;
}

async function draw(entry: LiveCode, key: HolderKey, windowStart: number): Promise<void> {
  const code = entry.rotating ? await rotatingCode(entry.pass, key.privateKey, windowStart, WINDOW) : entry.pass;
  // Signing took a while and the window moved on: the newer draw wins.
  if (shownWindow !== windowStart && entry.rotating) return;
  const svg = await qrSvg(code, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
  entry.img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  entry.el.dataset.code = code;
  entry.el.dataset.window = String(windowStart);
}

function tick(): void {
  const nowMs = Date.now() + offsetMs;
  const now = Math.floor(nowMs / 1000);
  const windowStart = now - (now % WINDOW);
  if (windowStart !== shownWindow) {
    shownWindow = windowStart;
    const key = holder;
    if (key) for (const entry of live) draw(entry, key, windowStart).catch(() => onDrawError());
  }
  const left = windowStart + WINDOW - now;
  const words = TICKETS_COPY[pageLanguage()];
  const clock = formatClock(nowMs, pageLanguage());
  for (const entry of live) {
    entry.fill.style.width = `${(100 * left) / WINDOW}%`;
    entry.status.textContent = entry.rotating ? words.liveCode({ seconds: left, clock }) : words.printedCode;
  }
}
