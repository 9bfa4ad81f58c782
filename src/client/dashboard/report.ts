/**
 * The dashboard's sales panel: the report's figures, the split of what fans
 * paid (face value, less discounts, plus service fees and tax) and tickets
 * by section (GET /report), and the server-drawn sales chart (GET /report/sales.svg),
 * read again whenever another panel changed something.
 */
import type { SalesReport } from "../../shared/reports";
import { byId, money as formatMoney, part, say } from "../shell/page";
import { api, problemDetail, token } from "../shell/session";
import { type Dashboard, onChanged } from "./context";

/** A GET with the organizer's token whose answer is not JSON (the chart, the CSV files). */
export const authorized = (path: string): Promise<Response> => fetch(path, { headers: { authorization: `Bearer ${token()}` } });

export interface Report {
  show(report: SalesReport): void;
  drawChart(): Promise<void>;
}

export function startReport(dashboard: Dashboard): Report {
  const { eventId } = dashboard;
  const figures = byId("figures");
  const split = byId("money-split");
  const rows = part("#by-section tbody");
  const chart = byId("sales-chart");
  const message = byId("report-message");

  function figure(term: string, value: string, list = figures): void {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }

  function show(r: SalesReport): void {
    const m = r.money;
    const money = (cents: number) => formatMoney(cents, m.currency);
    figures.replaceChildren();
    figure("Tickets sold", String(r.bySection.reduce((n, s) => n + s.sold, 0)));
    figure("Orders", String(m.orders));
    figure("Gross", money(m.grossCents));
    figure("Refunded", money(m.refundedCents));
    figure("Net", money(m.netCents));
    split.replaceChildren();
    figure("Face value", money(m.split.faceCents), split);
    figure("Discounts", money(m.split.discountCents === 0 ? 0 : -m.split.discountCents), split);
    figure("Service fees", money(m.split.feeCents), split);
    figure("Tax", money(m.split.taxCents), split);
    if (r.seats) {
      figure("Available", `${r.seats.available} of ${r.seats.total}`);
      figure("Held", String(r.seats.held));
      figure("Blocked", String(r.seats.blocked));
    }
    rows.replaceChildren();
    for (const s of r.bySection) {
      const tr = document.createElement("tr");
      const cells = [s.section, s.capacity, s.sold, s.refunded, money(s.soldCents)];
      cells.forEach((value, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        cell.textContent = String(value);
        tr.append(cell);
      });
      rows.append(tr);
    }
  }

  /**
   * The chart is the server's SVG (escaped text, no scripts); it is parsed
   * as XML and only an <svg> root with none of script, foreignObject or
   * event handlers (nor links) is put into the page.
   */
  async function drawChart(): Promise<void> {
    const res = await authorized(`/api/events/${eventId}/report/sales.svg`);
    if (!res.ok) {
      chart.textContent = "The sales chart could not be drawn.";
      return;
    }
    const doc = new DOMParser().parseFromString(await res.text(), "image/svg+xml");
    const root = doc.documentElement;
    const unsafe =
      root.querySelector("script, foreignObject, parsererror") !== null ||
      [...root.querySelectorAll("*")].some((e) => [...e.attributes].some((a) => /^on/i.test(a.name) || /href$/i.test(a.name)));
    if (root.nodeName !== "svg" || unsafe) {
      chart.textContent = "The sales chart could not be drawn.";
      return;
    }
    root.removeAttribute("width");
    root.removeAttribute("height");
    chart.replaceChildren(document.importNode(root, true));
  }

  async function refresh(): Promise<void> {
    const report = await api<SalesReport>(`/api/events/${eventId}/report`);
    if (!report.ok) {
      say(message, problemDetail(report.data), "error");
      return;
    }
    show(report.data);
    void drawChart();
  }

  onChanged(() => void refresh());
  return { show, drawChart };
}
