/**
 * The fan's tickets page (/assets/tickets.js, after qrcode.js, codes.js and
 * store.js). Plain browser JavaScript.
 *
 * The page makes a **holder key** once per browser (ECDSA P-256; the
 * private half is not extractable and lives in IndexedDB) and asks
 * `GET /api/me/tickets?holderKey=…` for the fan's tickets, bought or
 * received, each with a pass bound to that key. Every 30 seconds it signs a
 * new **rotating code** (`rotatingCode`, the function the door checks
 * against) and draws it as a QR code with a countdown, so door staff can
 * see the code is live and a screenshot is worthless two minutes later.
 * The last answer is kept in localStorage, so the codes keep rotating at a
 * gate without network (the key never leaves the browser; the door checks
 * offline too), and the page itself is kept by a service worker (`/me/sw.js`,
 * offline-pages.ts). Signing out forgets the saved tickets.
 */
export const TICKETS_JS = String.raw`
(() => {
  const T = window.Tickets, C = window.TicketCodes, S = window.LocalStore;
  const list = document.getElementById("bookings");
  const message = document.getElementById("message");
  const WINDOW = C.CODE_WINDOW_SECONDS;
  const SAVED = "edge-tickets-my-tickets", HOLDER = "holder-key";
  let holder = null, offsetMs = 0, shownWindow = null, timer = null, live = [];

  const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  /** The token's user even after it expired: the saved tickets are theirs to show offline. */
  function owner() {
    const t = T.token();
    if (!t) return null;
    try { return JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub || null; } catch { return null; }
  }

  /** This browser's holder key: made once, kept in IndexedDB (a CryptoKey that cannot be exported). */
  async function holderKey() {
    try {
      const kept = await S.get(HOLDER);
      if (kept && kept.privateKey && kept.publicKey) return { ...kept, kept: true };
    } catch {}
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
    const key = { privateKey: pair.privateKey, publicKey: b64url(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey))) };
    try { await S.set(HOLDER, key); return { ...key, kept: true }; } catch { return { ...key, kept: false }; }
  }

  function readSaved(user, publicKey) {
    try {
      const saved = JSON.parse(localStorage.getItem(SAVED) || "null");
      return saved && saved.user === user && saved.holderKey === publicKey ? saved : null;
    } catch { return null; }
  }

  async function load() {
    stop();
    list.replaceChildren();
    const user = owner();
    if (!user) { localStorage.removeItem(SAVED); T.say(message, "Sign in (top right) to see your tickets.", "notice"); return; }
    holder = await holderKey();
    let tickets = null, note = "";
    if (T.claims()) {
      try {
        const res = await T.api("/api/me/tickets?holderKey=" + holder.publicKey);
        if (res.ok) {
          tickets = res.data.tickets;
          const served = Date.parse(res.headers.get("date") || "");
          offsetMs = Number.isFinite(served) ? served - Date.now() : 0;
          try { localStorage.setItem(SAVED, JSON.stringify({ user, holderKey: holder.publicKey, savedAt: new Date().toISOString(), offsetMs, tickets })); } catch {}
        } else {
          note = (res.data && res.data.detail) || "Your tickets could not be loaded (server error " + res.status + ").";
        }
      } catch { note = "You are offline."; }
    } else {
      note = "Your sign-in has expired: sign in again (top right) to refresh your tickets.";
    }
    if (!tickets) {
      const saved = readSaved(user, holder.publicKey);
      if (!saved) { T.say(message, note + " No tickets are saved on this device yet.", "error"); return; }
      tickets = saved.tickets;
      offsetMs = saved.offsetMs || 0;
      note += " Showing the tickets saved on this device at " + new Date(saved.savedAt).toLocaleString() + ": their codes still work at the door.";
      T.say(message, note.trim(), "notice");
    } else {
      T.say(message, tickets.length ? (holder.kept ? "" : "This browser cannot keep your ticket key: open this page again while online before you go to the door.") : "You have no tickets yet.", "notice");
    }
    render(tickets);
    timer = setInterval(tick, 1000);
    tick();
    orders();
  }

  /** What the fan paid and got back, per booking (online only: nothing of it is needed at the door). */
  async function orders() {
    const panel = document.getElementById("orders-panel"), out = document.getElementById("orders");
    out.replaceChildren();
    panel.hidden = true;
    if (!T.claims()) return;
    let res;
    try { res = await T.api("/api/me/bookings"); } catch { return; }
    if (!res.ok || !res.data.bookings.length) return;
    for (const b of res.data.bookings) {
      const li = document.createElement("li");
      li.id = "order-" + b.id;
      li.textContent = b.event.name + " · " + new Date(b.event.startsAt).toLocaleDateString() + " · " + b.tickets.length + (b.tickets.length === 1 ? " ticket" : " tickets") + " · " +
        T.money(b.amountCents, b.currency) + " · " + b.status + (b.refundedCents > 0 ? " · " + T.money(b.refundedCents, b.currency) + " refunded" : "");
      out.append(li);
    }
    panel.hidden = false;
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null; live = []; shownWindow = null;
  }

  function render(tickets) {
    const byEvent = new Map();
    for (const t of [...tickets].sort((a, b) => Date.parse(a.event.startsAt) - Date.parse(b.event.startsAt))) {
      if (!byEvent.has(t.eventId)) byEvent.set(t.eventId, []);
      byEvent.get(t.eventId).push(t);
    }
    for (const [eventId, group] of byEvent) {
      const e = group[0].event;
      const section = document.createElement("section");
      section.setAttribute("aria-labelledby", "e-" + eventId);
      const h = document.createElement("h2");
      h.id = "e-" + eventId;
      h.textContent = e.name;
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = new Date(e.startsAt).toLocaleString() + " · " + e.venueName + ", " + e.city + " · " + group.length + (group.length === 1 ? " ticket" : " tickets");
      const grid = document.createElement("div");
      grid.className = "tickets";
      for (const t of group) grid.append(card(t));
      section.append(h, meta, grid);
      list.append(section);
    }
  }

  function card(t) {
    const el = document.createElement("article");
    el.className = "ticket " + t.state;
    el.dataset.ticketId = t.id;
    el.dataset.state = t.state;
    const label = t.section + (t.row ? ", row " + t.row + ", seat " + t.seat : ", general admission");
    const p = document.createElement("p");
    p.className = "ticket-seat";
    p.textContent = label;
    el.append(p);
    if (t.received) {
      const badge = document.createElement("p");
      badge.className = "meta";
      badge.textContent = "Received from another fan";
      el.append(badge);
    }
    const note = (text) => { const n = document.createElement("p"); n.className = "ticket-note"; n.textContent = text; el.append(n); };
    if (t.state === "void" || !t.pass) { note("Void: this ticket was refunded or passed to someone else. It no longer opens the door."); return el; }
    if (t.state === "admitted") { note("Admitted at the door. Enjoy the show!"); return el; }
    const claims = C.decodePass(t.pass);
    const box = document.createElement("div");
    box.className = "live-code";
    const img = document.createElement("img");
    img.alt = "QR code of your ticket: " + label + (claims && claims.h ? ". It changes every 30 seconds." : "");
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
    live.push({ t, el, img, fill, status, rotating: Boolean(claims && claims.h) });
    return el;
  }

  async function draw(entry, windowStart) {
    const code = entry.rotating ? await C.rotatingCode(entry.t.pass, holder.privateKey, windowStart, WINDOW) : entry.t.pass;
    if (shownWindow !== windowStart && entry.rotating) return;
    const svg = await QRCode.toString(code, { type: "svg", errorCorrectionLevel: "M", margin: 4 });
    entry.img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
    entry.el.dataset.code = code;
    entry.el.dataset.window = String(windowStart);
  }

  function tick() {
    const nowMs = Date.now() + offsetMs;
    const now = Math.floor(nowMs / 1000);
    const windowStart = now - (now % WINDOW);
    if (windowStart !== shownWindow) {
      shownWindow = windowStart;
      for (const entry of live) draw(entry, windowStart).catch(() => T.say(message, "A ticket's code could not be drawn on this browser.", "error"));
    }
    const left = windowStart + WINDOW - now;
    const clock = new Date(nowMs).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    for (const entry of live) {
      entry.fill.style.width = (100 * left / WINDOW) + "%";
      entry.status.textContent = entry.rotating ? "Live code · new one in " + left + " s · " + clock : "Printed-ticket code";
    }
  }

  document.addEventListener("account-changed", load);
  load();
  S.keepPage("/me/sw.js");
})();
`;
