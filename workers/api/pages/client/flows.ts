/**
 * The smaller page scripts: search ("near me"), checkout and the waiting
 * room. Plain browser JavaScript. (The organizer's page has its own module,
 * organizer.ts; the fan's tickets page, tickets.ts.)
 */
export const SEARCH_JS = String.raw`
(() => {
  const near = document.getElementById("near-me");
  if (!near) return;
  near.hidden = !("geolocation" in navigator);
  near.addEventListener("click", () => {
    near.disabled = true;
    navigator.geolocation.getCurrentPosition((pos) => {
      const q = new URLSearchParams(new FormData(document.getElementById("search")));
      q.delete("location");
      q.set("lat", pos.coords.latitude.toFixed(4));
      q.set("lng", pos.coords.longitude.toFixed(4));
      q.set("radiusKm", "50");
      for (const [k, v] of [...q]) if (!v) q.delete(k);
      location.href = "/?" + q;
    }, () => { near.disabled = false; alert("Your location is not available."); });
  });
})();
`;

export const CHECKOUT_JS = String.raw`
(() => {
  const T = window.Tickets;
  const page = T.pageData();
  const message = document.getElementById("message");
  const form = document.getElementById("pay");
  const summary = document.getElementById("summary");
  let stop = null;
  function expired() {
    form.hidden = true;
    T.say(message, "Your hold expired, so the seats went back on sale. No payment was taken.", "error");
    document.getElementById("back").hidden = false;
  }
  async function start() {
    if (!T.claims()) { T.say(message, "Sign in (top right) to check out.", "error"); return; }
    const hold = await T.api("/api/booking/holds/" + page.holdId);
    if (!hold.ok) { T.say(message, hold.data.detail, "error"); return; }
    document.getElementById("back").href = "/events/" + hold.data.eventId;
    if (hold.data.state === "booked") { location.href = "/me/tickets"; return; }
    if (["expired", "released", "cancelled", "refunded"].includes(hold.data.state)) { expired(); return; }
    const confirm = await T.api("/api/booking/confirm", { method: "PUT", body: { holdId: page.holdId } });
    if (!confirm.ok) { T.say(message, confirm.data.detail, "error"); document.getElementById("back").hidden = false; return; }
    const c = confirm.data;
    summary.textContent = hold.data.ticketIds.length + " tickets, " + T.money(c.amountCents, c.currency);
    stop = T.countdown(document.getElementById("countdown"), c.expiresAt, expired);
    form.hidden = false;
    if (c.provider === "stripe") return stripe(c);
    document.getElementById("simulated").hidden = false;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const outcome = e.submitter && e.submitter.value === "decline" ? "fail" : "succeed";
      T.say(message, "Authorizing the simulated card…", "notice");
      const res = await T.api("/api/dev/payments/" + c.paymentIntentId + "/" + outcome, { method: "POST" });
      if (!res.ok) { T.say(message, res.data.detail, "error"); return; }
      if (outcome === "fail") { T.say(message, "The simulated card was declined. Try again before the hold runs out.", "error"); return; }
      await finish();
    });
  }
  async function finish() {
    for (let i = 0; i < 30; i++) {
      const h = await T.api("/api/booking/holds/" + page.holdId);
      if (h.ok && h.data.state === "booked") { stop && stop(); location.href = "/me/tickets?booked=" + h.data.bookingId; return; }
      if (h.ok && ["expired", "released", "cancelled"].includes(h.data.state)) {
        stop && stop();
        T.say(message, "Your seats could not be booked, so your card was not charged (the authorization is released).", "error");
        document.getElementById("back").hidden = false;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    T.say(message, "Your payment is being confirmed; your tickets will appear under My tickets.", "notice");
  }
  function stripe(c) {
    const script = document.createElement("script");
    script.src = "https://js.stripe.com/v3/";
    script.onload = () => {
      const stripe = window.Stripe(page.publishableKey);
      const elements = stripe.elements({ clientSecret: c.clientSecret });
      elements.create("payment").mount("#payment-element");
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: location.origin + "/me/tickets" }, redirect: "if_required" });
        if (error) T.say(message, error.message, "error"); else await finish();
      });
    };
    document.head.append(script);
  }
  document.addEventListener("account-changed", start);
  start();
})();
`;

export const QUEUE_JS = String.raw`
(() => {
  const T = window.Tickets;
  const page = T.pageData();
  const message = document.getElementById("message");
  const out = { state: document.getElementById("q-state"), position: document.getElementById("q-position"), ahead: document.getElementById("q-ahead"), eta: document.getElementById("q-eta") };
  const ended = { booked: "You booked: your session is over.", released: "You gave your seats back: your session is over.", lapsed: "Your shopping time ran out.", cancelled: "You left the line.", replaced: "This place was replaced by a newer one." };
  let source = null;
  let polling = null;
  function show(p) {
    const words = {
      waiting: p.opensAt ? "Waiting for the sale to open; your place is drawn by lottery when it does." : p.soldOut ? "In the queue, but sold out for now: join the waitlist below to get returned seats" : "In the queue",
      admitted: "It's your turn",
      ended: (ended[p.reason] || "Your place has ended.") + " Join again to queue at the back.",
      paused: "Admission is paused; you keep your place.",
      closed: "The waiting room is closed.",
    };
    out.state.textContent = words[p.state] || p.state;
    out.position.textContent = p.position == null ? (p.state === "waiting" ? "to be drawn" : "—") : String(p.position);
    out.ahead.textContent = p.ahead == null ? "—" : String(p.ahead);
    out.eta.textContent = p.etaSeconds > 90 ? Math.round(p.etaSeconds / 60) + " min" : p.etaSeconds + " s";
    // Sold out while in line: the waitlist panel (waitlist.js) offers to join in one click.
    document.dispatchEvent(new CustomEvent("sold-out", { detail: { soldOut: p.state === "waiting" && !!p.soldOut } }));
  }
  function stop() {
    if (source) source.close();
    if (polling) clearInterval(polling);
    source = null; polling = null;
  }
  function admitted(token) {
    stop();
    sessionStorage.setItem("admission:" + page.eventId, token);
    out.state.textContent = "It's your turn! Taking you to the seats…";
    location.href = "/events/" + page.eventId;
  }
  // Without a live stream (another tab watches this place, or the stream failed), ask every few seconds.
  function poll(ticket) {
    if (polling) return;
    polling = setInterval(async () => {
      const res = await T.api("/api/events/" + page.eventId + "/queue/status?ticket=" + encodeURIComponent(ticket));
      if (!res.ok) return;
      if (res.data.admissionToken) return admitted(res.data.admissionToken);
      show(res.data);
      if (res.data.state === "ended" || res.data.state === "closed") stop();
    }, 5000);
  }
  async function join(botToken) {
    stop();
    if (!T.claims()) { T.say(message, "Sign in (top right) to join the queue.", "error"); return; }
    const headers = botToken ? { "x-turnstile-token": botToken } : {};
    const res = await T.api("/api/events/" + page.eventId + "/queue", { method: "POST", headers });
    if (!res.ok) { T.say(message, res.data.detail, "error"); return; }
    const ticket = res.data.queueTicket;
    show(res.data);
    source = new EventSource("/api/events/" + page.eventId + "/queue/stream?ticket=" + encodeURIComponent(ticket));
    source.addEventListener("position", (e) => show(JSON.parse(e.data)));
    source.addEventListener("admitted", (e) => admitted(JSON.parse(e.data).admissionToken));
    source.addEventListener("closed", (e) => { stop(); T.say(message, JSON.parse(e.data).detail, "error"); });
    source.addEventListener("error", () => { if (source && source.readyState === EventSource.CLOSED) { source = null; poll(ticket); } });
  }
  function start() {
    if (!page.turnstileSiteKey) return join();
    // The bot check: Turnstile's widget gives a single-use token that the server verifies.
    const script = document.createElement("script");
    script.src = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
    script.onload = () => window.turnstile.render("#bot-check", { sitekey: page.turnstileSiteKey, callback: (token) => join(token) });
    document.head.append(script);
  }
  document.addEventListener("account-changed", () => start());
  start();
})();
`;
