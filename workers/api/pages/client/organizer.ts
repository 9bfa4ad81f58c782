/**
 * The organizer page's script (/assets/organizer.js): the org's events, a
 * page at a time, each linking to its dashboard (/organizer/events/:id)
 * with live counts; and the forms that create a performer, a venue from a
 * template, an event and its waiting room.
 */
export const ORGANIZER_JS = String.raw`
(() => {
  const T = window.Tickets;
  const message = document.getElementById("message");
  const sections = new Map();
  const events = document.getElementById("org-events");
  const more = document.getElementById("more-events");
  const isOrganizer = () => Boolean(T.claims() && (T.claims().roles || []).includes("organizer"));
  let cursor = null;

  async function loadEvents(reset) {
    if (reset) { events.replaceChildren(); cursor = null; }
    more.hidden = true;
    const status = document.getElementById("events-status");
    if (!isOrganizer()) { T.say(status, "Sign in as an organizer (top right) to see your events.", "notice"); return; }
    const q = new URLSearchParams({ limit: "20" });
    if (cursor) q.set("cursor", cursor);
    const res = await T.api("/api/organizer/events?" + q);
    if (!res.ok) { T.say(status, res.data.detail, "error"); return; }
    T.say(status, reset && res.data.events.length === 0 ? "Your organization has no events yet: create one below." : "");
    for (const e of res.data.events) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.href = "/organizer/events/" + e.id;
      link.textContent = e.name;
      const meta = document.createElement("span");
      meta.className = "meta";
      const a = e.availability;
      meta.textContent = new Date(e.startsAt).toLocaleString() + " · " + e.venueName + ", " + e.city + " · " +
        (e.status === "cancelled" ? "cancelled · " : "") +
        (a ? a.sold + " sold, " + a.available + " available, " + a.blocked + " blocked of " + a.total : e.ticketCount + " tickets");
      li.append(link, meta);
      events.append(li);
    }
    cursor = res.data.nextCursor;
    more.hidden = !cursor;
  }
  more.addEventListener("click", () => loadEvents(false));
  document.addEventListener("account-changed", () => loadEvents(true));
  loadEvents(true);

  function form(id, build, done) {
    document.getElementById(id).addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!isOrganizer()) { T.say(message, "Sign in as an organizer first.", "error"); return; }
      const fields = Object.fromEntries(new FormData(e.target));
      const { path, method, body } = build(fields);
      const res = await T.api(path, { method, body });
      if (!res.ok) { T.say(message, res.data.detail, "error"); return; }
      T.say(message, done(res.data, fields), "notice");
    });
  }
  form("performer-form", (f) => ({ path: "/api/performers", method: "POST", body: { name: f.name, genre: f.genre || undefined } }), (d) => {
    document.getElementById("event-performer").value = d.id;
    return "Performer created: " + d.id;
  });
  form("venue-form", (f) => ({ path: "/api/venues", method: "POST", body: { name: f.name, city: f.city, country: f.country, lat: Number(f.lat), lng: Number(f.lng), timezone: f.timezone || undefined, template: f.template } }), (d) => {
    sections.set(d.id, d.sections);
    document.getElementById("event-venue").value = d.id;
    return "Venue created: " + d.id + " with " + d.capacity + " places in " + d.sections.length + " sections.";
  });
  form("event-form", (f) => ({
    path: "/api/events", method: "POST",
    body: {
      name: f.name, type: f.type, startsAt: new Date(f.startsAt).toISOString(), venueId: f.venueId, performerId: f.performerId,
      onSaleAt: f.onSaleAt ? new Date(f.onSaleAt).toISOString() : undefined,
      prices: (sections.get(f.venueId) || []).map((section) => ({ section, priceCents: Math.round(Number(f.price) * 100) })),
    },
  }), (d) => {
    document.getElementById("queue-event").value = d.id;
    loadEvents(true);
    return "Event created: " + d.id + " with " + d.ticketCount + " tickets. It is at /events/" + d.id;
  });
  form("queue-form", (f) => ({ path: "/api/events/" + f.eventId, method: "PATCH", body: { queue: { enabled: f.enabled === "on", batchSize: Number(f.batchSize) } } }), (d, f) =>
    "Waiting room " + (f.enabled === "on" ? "on" : "off") + " for " + d.id + ".");
})();
`;
