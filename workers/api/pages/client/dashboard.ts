/**
 * The event dashboard's first script (/assets/dashboard.js): checks that the
 * signed-in organizer may manage the event (the report answers 404 for
 * another org's), shows the report's figures, the server-drawn sales chart
 * and the two CSV downloads, and sets up `window.Dashboard` for the panel
 * scripts that follow it (refunds.js, blocks.js, cancel.js).
 *
 * Panels talk through two document events: `dashboard-ready` (detail: the
 * event's public detail, once access is confirmed) and `dashboard-changed`
 * (detail: { source }, after a panel changed something the others show),
 * so no panel calls another.
 */
export const DASHBOARD_JS = String.raw`
(() => {
  const T = window.Tickets;
  const eventId = T.pageData().eventId;
  const message = document.getElementById("message");
  const body = document.getElementById("dashboard");
  const figures = document.getElementById("figures");
  const chart = document.getElementById("sales-chart");
  const reportMessage = document.getElementById("report-message");
  let detail = null;

  /** A GET with the organizer's token whose answer is not JSON (the chart, the CSV files). */
  const authorized = (path) => fetch(path, { headers: { authorization: "Bearer " + T.token() } });
  const changed = (source) => document.dispatchEvent(new CustomEvent("dashboard-changed", { detail: { source } }));
  window.Dashboard = { eventId, changed, detail: () => detail };

  async function start() {
    body.hidden = true;
    const me = T.claims();
    if (!me || !(me.roles || []).includes("organizer")) { T.say(message, "Sign in as an organizer (top right) to see this event's dashboard.", "notice"); return; }
    T.say(message, "Loading the dashboard…", "notice");
    const [event, report] = await Promise.all([T.api("/api/events/" + eventId), T.api("/api/events/" + eventId + "/report")]);
    if (report.status === 404 || event.status === 404) { T.say(message, "No event of your organization has this address.", "error"); return; }
    if (!event.ok || !report.ok) { T.say(message, (report.ok ? event : report).data.detail || "The dashboard could not be loaded.", "error"); return; }
    detail = event.data;
    const cancelled = detail.status === "cancelled";
    document.getElementById("event-name").textContent = detail.name + (cancelled ? " (cancelled)" : "");
    document.title = detail.name + " · Dashboard · Edge Tickets";
    document.getElementById("event-meta").textContent = new Date(detail.startsAt).toLocaleString() + " · " + detail.venue.name + ", " + detail.venue.city + " · ";
    const link = document.createElement("a");
    link.href = "/events/" + eventId;
    link.textContent = "the fans' page";
    document.getElementById("event-meta").append(link);
    T.say(message, cancelled ? "This event is cancelled: it sells nothing, and its bookings are refunded." : "");
    body.hidden = false;
    showReport(report.data);
    drawChart();
    document.dispatchEvent(new CustomEvent("dashboard-ready", { detail }));
  }

  function figure(term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    figures.append(dt, dd);
  }
  function showReport(r) {
    const m = r.money;
    const money = (cents) => T.money(cents, m.currency);
    figures.replaceChildren();
    figure("Tickets sold", String(r.bySection.reduce((n, s) => n + s.sold, 0)));
    figure("Orders", String(m.orders));
    figure("Gross", money(m.grossCents));
    figure("Refunded", money(m.refundedCents));
    figure("Net", money(m.netCents));
    if (r.seats) {
      figure("Available", r.seats.available + " of " + r.seats.total);
      figure("Held", String(r.seats.held));
      figure("Blocked", String(r.seats.blocked));
    }
    const rows = document.querySelector("#by-section tbody");
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
  async function refreshReport() {
    const report = await T.api("/api/events/" + eventId + "/report");
    if (!report.ok) { T.say(reportMessage, report.data.detail, "error"); return; }
    showReport(report.data);
    drawChart();
  }

  /**
   * The chart is the server's SVG (escaped text, no scripts); it is parsed
   * as XML and only an <svg> root with none of script, foreignObject or
   * event handlers is put into the page.
   */
  async function drawChart() {
    const res = await authorized("/api/events/" + eventId + "/report/sales.svg");
    if (!res.ok) { chart.textContent = "The sales chart could not be drawn."; return; }
    const doc = new DOMParser().parseFromString(await res.text(), "image/svg+xml");
    const root = doc.documentElement;
    const unsafe = root.querySelector("script, foreignObject, parsererror") || [...root.querySelectorAll("*")].some((e) => [...e.attributes].some((a) => /^on/i.test(a.name) || /href$/i.test(a.name)));
    if (root.nodeName !== "svg" || unsafe) { chart.textContent = "The sales chart could not be drawn."; return; }
    root.removeAttribute("width");
    root.removeAttribute("height");
    chart.replaceChildren(document.importNode(root, true));
  }

  /** A download with the bearer token: fetched, then saved from a Blob through a temporary link. */
  async function download(name, button) {
    button.disabled = true;
    T.say(reportMessage, "Preparing " + name + ".csv…", "notice");
    try {
      const res = await authorized("/api/events/" + eventId + "/" + name + ".csv");
      if (!res.ok) { T.say(reportMessage, "The " + name + " export failed (" + res.status + ").", "error"); return; }
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = eventId + "-" + name + ".csv";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      T.say(reportMessage, "Downloaded " + link.download + ".", "notice");
    } catch {
      T.say(reportMessage, "The " + name + " export was interrupted. Try again.", "error");
    } finally {
      button.disabled = false;
    }
  }

  for (const name of ["orders", "attendees"]) {
    const button = document.getElementById("download-" + name);
    button.addEventListener("click", () => download(name, button));
  }
  document.addEventListener("dashboard-changed", refreshReport);
  document.addEventListener("account-changed", start);
  start();
})();
`;
