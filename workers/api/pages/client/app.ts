/**
 * The shared client script (plain browser JavaScript, served as
 * /assets/app.js): the fan's token, API calls, the account widget, money and
 * countdown helpers. A token arriving as `#token=…` (from the team's identity
 * provider) is kept; in local development the widget offers demo accounts.
 */
export const APP_JS = String.raw`
(() => {
  const KEY = "edge-tickets-token";
  const fromIdp = /[#&]token=([^&]+)/.exec(location.hash);
  if (fromIdp) {
    localStorage.setItem(KEY, decodeURIComponent(fromIdp[1]));
    history.replaceState(null, "", location.pathname + location.search);
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
  async function signInAs(role) {
    const userId = role === "organizer" ? "demo-organizer" : "demo-fan";
    const roles = role === "organizer" ? ["organizer", "fan"] : ["fan"];
    const { ok, data } = await api("/api/dev/token", { method: "POST", body: { userId, roles } });
    if (!ok) { alert("Sign-in failed: " + (data && data.detail)); return; }
    localStorage.setItem(KEY, data.token);
    renderAccount();
    document.dispatchEvent(new CustomEvent("account-changed"));
  }
  function signOut() { localStorage.removeItem(KEY); renderAccount(); document.dispatchEvent(new CustomEvent("account-changed")); }
  function renderAccount() {
    const box = document.getElementById("account");
    if (!box) return;
    box.replaceChildren();
    const me = claims();
    if (me) {
      const who = document.createElement("span");
      who.textContent = "Signed in as " + me.sub;
      const out = document.createElement("button");
      out.className = "secondary"; out.type = "button"; out.textContent = "Sign out";
      out.addEventListener("click", signOut);
      box.append(who, out);
    } else if (document.body.dataset.devAuth === "1") {
      for (const [role, label] of [["fan", "Continue as demo fan"], ["organizer", "Continue as demo organizer"]]) {
        const b = document.createElement("button");
        b.type = "button"; b.className = role === "fan" ? "" : "secondary"; b.textContent = label;
        b.addEventListener("click", () => signInAs(role));
        box.append(b);
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
