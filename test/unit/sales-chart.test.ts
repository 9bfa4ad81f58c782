/**
 * The server-drawn sales chart: one bar per period with a sale, gaps kept
 * on an even time axis, longer periods when sales span many days, figures
 * in the event's currency, and nothing in the document that is not ours
 * and escaped.
 */
import { describe, expect, it } from "vitest";
import { escapeXml, niceCeiling, salesChartSvg } from "../../workers/api/catalog/sales-chart";

const hour = (iso: string, orders: number, tickets: number, amountCents: number) => ({ hour: iso, orders, tickets, amountCents });
const bars = (svg: string) => [...svg.matchAll(/<rect class="bar" x="([\d.]+)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => ({ x: Number(m[1]), title: m[2] }));

describe("the sales chart", () => {
  it("draws a bar for each hour with sales, titled with its orders, tickets and money", () => {
    const svg = salesChartSvg([hour("2027-05-01T09:00:00Z", 1, 3, 13_000), hour("2027-05-01T11:00:00Z", 2, 3, 11_000)], "usd");
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(bars(svg).map((b) => b.title)).toEqual(["1 May, 09:00: 1 order, 3 tickets, $130.00", "1 May, 11:00: 2 orders, 3 tickets, $110.00"]);
    expect(svg).toContain("<title id=\"sales-chart-title\">Sales per hour</title>");
    expect(svg).toContain("3 orders, 6 tickets, $240.00 charged before refunds");
  });

  it("keeps hours without sales as gaps, so the time axis is even", () => {
    const svg = salesChartSvg([hour("2027-05-01T09:00:00Z", 1, 1, 100), hour("2027-05-01T10:00:00Z", 1, 1, 100), hour("2027-05-01T13:00:00Z", 1, 1, 100)], "usd");
    const [a = 0, b = 0, c = 0] = bars(svg).map((bar) => bar.x);
    expect(bars(svg)).toHaveLength(3);
    expect(c - b).toBeCloseTo(3 * (b - a), 0);
  });

  it("folds sales over many days into days (and weeks), never more than 96 bars", () => {
    const days = Array.from({ length: 30 }, (_, i) => hour(new Date(Date.UTC(2027, 4, 1 + i, 9)).toISOString().replace(".000", ""), 1, 2, 5_000));
    const daily = salesChartSvg([...days, hour("2027-05-01T18:00:00Z", 1, 1, 2_500)], "eur");
    expect(bars(daily)).toHaveLength(30);
    expect(bars(daily)[0]?.title).toBe("1 May: 2 orders, 3 tickets, €75.00");
    expect(daily).toContain("Sales per day");
    const year = Array.from({ length: 300 }, (_, i) => hour(new Date(Date.UTC(2027, 0, 1 + i)).toISOString(), 1, 1, 100));
    const weekly = salesChartSvg(year, "gbp");
    expect(bars(weekly).length).toBeLessThanOrEqual(96);
    expect(weekly).toContain("Sales per week");
  });

  it("says so when nothing has sold", () => {
    const svg = salesChartSvg([], "usd");
    expect(bars(svg)).toEqual([]);
    expect(svg).toContain("No sales yet");
  });

  it("escapes every text it writes, and holds no script, link or event handler", () => {
    expect(escapeXml(`<a href="x">&'`)).toBe("&#60;a href=&#34;x&#34;&#62;&#38;&#39;");
    const svg = salesChartSvg([hour("2027-05-01T09:00:00Z", 1, 1, 100)], "<script>");
    expect(svg).not.toContain("<script");
    expect(svg).toContain("&#60;SCRIPT&#62;");
    expect(svg).not.toMatch(/\son[a-z]+=|href=|<style|<foreignObject/i);
  });

  it("puts the axis top at a round amount at or above the tallest bar", () => {
    expect([0, 1, 99, 100, 101, 13_000, 24_001, 50_000].map(niceCeiling)).toEqual([100, 1, 100, 100, 200, 20_000, 50_000, 50_000]);
  });
});
