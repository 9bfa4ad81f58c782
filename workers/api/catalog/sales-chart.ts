/**
 * The sales chart of an event's report, drawn as SVG on the server: one bar
 * per period (an hour, or longer when sales span many days), as tall as the
 * money the period's bookings charged, from the first period with a sale
 * to the last. Periods without a sale are drawn as gaps, so the time axis
 * is even.
 *
 * The dashboard inserts this document into its page, so it must be inert:
 * every text in it passes through `escapeXml`, no attribute holds anything
 * but numbers and our own names, and it has no script, link or style.
 * Times are UTC, as the report's hours are.
 */
import type { SalesReport } from "../../../src/shared/reports";

type SalesHour = SalesReport["perHour"][number];

const HOUR_MS = 3_600_000;
/** Period lengths in hours, shortest first: the first that fits MAX_BARS wins. */
const PERIODS = [1, 6, 24, 168];
const MAX_BARS = 96;

const WIDTH = 640;
const HEIGHT = 260;
const PLOT = { left: 72, right: WIDTH - 12, top: 16, bottom: HEIGHT - 40 };
const INK = "#111";
const MUTED = "#555";
const BAR = "#0b57d0";

/** Text made safe for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

interface Period {
  start: number;
  orders: number;
  tickets: number;
  amountCents: number;
}

/** The chart as an SVG document: bars of money charged per period, with axes, a title and a description. */
export function salesChartSvg(perHour: readonly SalesHour[], currency: string): string {
  const money = moneyFormat(currency);
  const { hours, periods } = bucket(perHour);
  if (periods.length === 0) return svgDocument("Sales over time", "No sales yet.", `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" fill="${MUTED}" font-size="16">No sales yet</text>`);

  const top = niceCeiling(Math.max(...periods.map((p) => p.amountCents)));
  const slot = (PLOT.right - PLOT.left) / periods.length;
  const y = (cents: number) => PLOT.bottom - (cents / top) * (PLOT.bottom - PLOT.top);
  const unit = periodName(hours);
  const parts: string[] = [];

  for (let k = 0; k <= 4; k++) {
    const cents = (top * k) / 4;
    const at = round(y(cents));
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${at}" y2="${at}" stroke="#ddd" stroke-width="1"/>`);
    parts.push(`<text x="${PLOT.left - 6}" y="${round(at + 4)}" text-anchor="end" font-size="11" fill="${MUTED}">${escapeXml(money(cents))}</text>`);
  }
  periods.forEach((p, i) => {
    if (p.orders === 0) return;
    const x = round(PLOT.left + i * slot + slot * 0.1);
    const barTop = round(y(p.amountCents));
    const what = `${label(p.start, hours)}: ${count(p.orders, "order")}, ${count(p.tickets, "ticket")}, ${money(p.amountCents)}`;
    parts.push(
      `<rect class="bar" x="${x}" y="${barTop}" width="${round(Math.max(1, slot * 0.8))}" height="${round(PLOT.bottom - barTop)}" fill="${BAR}"><title>${escapeXml(what)}</title></rect>`,
    );
  });
  for (const i of tickIndexes(periods.length)) {
    const p = periods[i];
    if (!p) continue;
    parts.push(`<text x="${round(PLOT.left + (i + 0.5) * slot)}" y="${PLOT.bottom + 16}" text-anchor="middle" font-size="11" fill="${MUTED}">${escapeXml(label(p.start, hours))}</text>`);
  }
  parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="${INK}" stroke-width="1"/>`);
  parts.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12" fill="${INK}">${escapeXml(`Money charged per ${unit} (UTC)`)}</text>`);

  const totals = periods.reduce((t, p) => ({ orders: t.orders + p.orders, tickets: t.tickets + p.tickets, cents: t.cents + p.amountCents }), { orders: 0, tickets: 0, cents: 0 });
  const busiest = periods.reduce((a, b) => (b.amountCents > a.amountCents ? b : a));
  const first = periods[0]?.start ?? busiest.start;
  const last = periods.at(-1)?.start ?? busiest.start;
  const description =
    `From ${label(first, hours)} to ${label(last, hours)}: ` +
    `${count(totals.orders, "order")}, ${count(totals.tickets, "ticket")}, ${money(totals.cents)} charged before refunds. ` +
    `Busiest ${unit}: ${label(busiest.start, hours)}, ${money(busiest.amountCents)}.`;
  return svgDocument(`Sales per ${unit}`, description, parts.join(""));
}

function svgDocument(title: string, description: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="sales-chart-title sales-chart-desc" font-family="system-ui, sans-serif">` +
    `<title id="sales-chart-title">${escapeXml(title)}</title><desc id="sales-chart-desc">${escapeXml(description)}</desc>${body}</svg>`
  );
}

/** The report's hours folded into even periods, gaps included, with the period's length in hours. */
function bucket(perHour: readonly SalesHour[]): { hours: number; periods: Period[] } {
  const starts = perHour.map((h) => Date.parse(h.hour)).filter((t) => Number.isFinite(t));
  if (starts.length === 0) return { hours: 1, periods: [] };
  const from = Math.min(...starts);
  const to = Math.max(...starts);
  const span = (to - from) / HOUR_MS;
  const hours = PERIODS.find((h) => Math.floor(span / h) + 1 <= MAX_BARS) ?? 168 * Math.ceil((Math.floor(span / 168) + 1) / MAX_BARS);
  const size = hours * HOUR_MS;
  const origin = Math.floor(from / size) * size;
  const periods: Period[] = Array.from({ length: Math.floor((to - origin) / size) + 1 }, (_, i) => ({ start: origin + i * size, orders: 0, tickets: 0, amountCents: 0 }));
  for (const h of perHour) {
    const p = periods[Math.floor((Date.parse(h.hour) - origin) / size)];
    if (!p) continue;
    p.orders += h.orders;
    p.tickets += h.tickets;
    p.amountCents += h.amountCents;
  }
  return { hours, periods };
}

/** A round axis top at or above the largest bar: 1, 2 or 5 times a power of ten (of cents). */
export function niceCeiling(cents: number): number {
  if (cents <= 0) return 100;
  const power = 10 ** Math.floor(Math.log10(cents));
  const step = [1, 2, 5, 10].find((m) => m * power >= cents) ?? 10;
  return step * power;
}

/** At most seven evenly spaced labels along the time axis, first and last included. */
function tickIndexes(n: number): number[] {
  if (n <= 7) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: 7 }, (_, k) => Math.round((k * (n - 1)) / 6));
}

const periodName = (hours: number) => (hours === 1 ? "hour" : hours === 24 ? "day" : hours === 168 ? "week" : hours % 168 === 0 ? `${hours / 168} weeks` : `${hours} hours`);

const DAY = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });
const DAY_HOUR = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
const label = (at: number, hours: number) => (hours % 24 === 0 ? DAY : DAY_HOUR).format(new Date(at));

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const round = (n: number) => Math.round(n * 10) / 10;

/** Money in the event's currency; a code Intl does not know is shown after the amount rather than failing the chart. */
function moneyFormat(currency: string): (cents: number) => string {
  try {
    const format = new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() });
    return (cents) => format.format(cents / 100);
  } catch {
    return (cents) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
  }
}
