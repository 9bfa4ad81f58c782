/**
 * The shared client script (plain browser JavaScript, served as
 * /assets/app.js): the fan's token, API calls, the account widget, money and
 * countdown helpers.
 *
 * Signing in: the page makes a random `state`, keeps it in sessionStorage
 * and sends the fan to the sign-in page (SIGN_IN_URL, or in local
 * development the demo identity provider `/api/dev/sign-in`) with `state`
 * and `redirect_uri`. A token coming back as `#token=…&state=…` is kept only
 * if the state is the one this tab made, and the state works once: a link
 * with someone else's token (sign-in fixation) is ignored, and the widget
 * says so.
 */
export const APP_JS = String.raw`
(() => {
  const KEY = "edge-tickets-token";
  const STATE_KEY = "edge-tickets-sign-in-state";
  let signInNote = "";
  const handOff = new URLSearchParams(location.hash.slice(1));
  if (handOff.has("token")) {
    const expected = sessionStorage.getItem(STATE_KEY);
    sessionStorage.removeItem(STATE_KEY);
    history.replaceState(null, "", location.pathname + location.search);
    if (expected && handOff.get("state") === expected) localStorage.setItem(KEY, handOff.get("token"));
    else signInNote = "A sign-in link was ignored: it was not started from this page.";
  }
  const token = () => localStorage.getItem(KEY);
  function claims() {
    const t = token();
    if (!t) return null;
    try {
      const payload = JSON.parse(atob(t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      if (payload.exp && payload.exp * 1000 < Date.now()) return null;
      return payload;
    } catch { return null; }
  }
  let serverOffset = 0;
  async function api(path, options = {}) {
    const headers = { ...(options.headers || {}) };
    const t = token();
    if (t && !headers.authorization) headers.authorization = "Bearer " + t;
    let body = options.body;
    if (body !== undefined && typeof body !== "string") { body = JSON.stringify(body); headers["content-type"] = "application/json"; }
    const res = await fetch(path, { method: options.method || "GET", headers, body });
    const date = res.headers.get("date");
    if (date) serverOffset = Date.parse(date) - Date.now();
    const text = await res.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = text; }
    return { status: res.status, ok: res.ok, data, headers: res.headers };
  }
  /** Sends the fan to a sign-in page with a fresh state; the token comes back as #token=…&state=…. */
  function beginSignIn(url, params) {
    const state = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem(STATE_KEY, state);
    const target = new URL(url, location.href);
    for (const [name, value] of Object.entries(params || {})) target.searchParams.set(name, value);
    target.searchParams.set("state", state);
    target.searchParams.set("redirect_uri", location.origin + location.pathname + location.search);
    location.assign(target.href);
  }
  /** Local development: the demo identity provider signs in a demo fan or organizer (or any userId). */
  function signInAs(role, userId) { beginSignIn("/api/dev/sign-in", userId ? { role, userId } : { role }); }
  function signOut() { localStorage.removeItem(KEY); renderAccount(); document.dispatchEvent(new CustomEvent("account-changed")); }
  function renderAccount() {
    const box = document.getElementById("account");
    if (!box) return;
    box.replaceChildren();
    const me = claims();
    if (signInNote) {
      const note = document.createElement("span");
      note.className = "notice"; note.textContent = signInNote;
      box.append(note);
    }
    const button = (label, className, onClick) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = className; b.textContent = label;
      b.addEventListener("click", onClick);
      box.append(b);
    };
    const { devAuth, signInUrl } = document.body.dataset;
    if (me) {
      const who = document.createElement("span");
      who.textContent = "Signed in as " + me.sub;
      box.append(who);
      button("Sign out", "secondary", signOut);
    } else if (signInUrl || devAuth === "1") {
      if (signInUrl) button("Sign in", "", () => beginSignIn(signInUrl));
      if (devAuth === "1") {
        button("Continue as demo fan", signInUrl ? "secondary" : "", () => signInAs("fan"));
        button("Continue as demo organizer", "secondary", () => signInAs("organizer"));
      }
    } else {
      const note = document.createElement("span");
      note.textContent = "Sign in with your account to book.";
      box.append(note);
    }
  }
  const money = (cents, currency) => new Intl.NumberFormat("en", { style: "currency", currency: (currency || "usd").toUpperCase() }).format(cents / 100);
  /** Counts down to an instant by the server's clock; calls onEnd once at zero. */
  function countdown(el, expiresAtIso, onEnd) {
    const end = Date.parse(expiresAtIso);
    let done = false;
    const tick = () => {
      const left = Math.max(0, end - (Date.now() + serverOffset));
      const m = Math.floor(left / 60000), s = Math.floor((left % 60000) / 1000);
      el.textContent = m + ":" + String(s).padStart(2, "0");
      el.setAttribute("aria-label", m + " minutes " + s + " seconds left");
      if (left === 0 && !done) { done = true; clearInterval(timer); onEnd && onEnd(); }
    };
    const timer = setInterval(tick, 250);
    tick();
    return () => clearInterval(timer);
  }
  function pageData() { const el = document.getElementById("page-data"); return el ? JSON.parse(el.textContent) : {}; }
  function say(el, text, kind) { el.hidden = !text; el.className = kind || "notice"; el.textContent = text || ""; }
  window.Tickets = { api, token, claims, signInAs, money, countdown, pageData, say };
  renderAccount();
})();
`;
