/**
 * The door page's script (/assets/door.js, after jsqr.js, scanner.js,
 * codes.js and store.js). Plain browser JavaScript.
 *
 * What it keeps, per event, in IndexedDB (window.LocalStore):
 * - the **door kit** (`door-kit:<eventId>`): the API's public keys, the code
 *   rules, every ticket admitted and every void code when it was loaded;
 * - this device's **log** (`door-log:<eventId>`): the tickets it saw
 *   admitted (so a code is refused a second time even offline), the scans
 *   it admitted offline and has not uploaded yet, and what the server found
 *   wrong with uploaded ones (conflicts: the same ticket admitted at two
 *   gates while offline; codes void by then).
 *
 * A scan: the code is checked here with `checkTicketCode` (the same
 * function as the server's), then, when online, `POST /api/checkin`
 * decides: the server's answer wins. When the server cannot be reached
 * (offline, timeout, 5xx) the kit decides: void codes and admitted tickets
 * are refused, anything else with a valid code is admitted and queued for
 * `POST /api/events/:id/door-kit/scans`, sent as soon as the network is back.
 */
export const DOOR_JS = String.raw`
(() => {
  const T = window.Tickets, C = window.TicketCodes, S = window.LocalStore;
  const eventId = T.pageData().eventId;
  const $ = (id) => document.getElementById(id);
  const message = $("message"), verdictBox = $("verdict"), network = $("network");
  const video = $("camera"), cameraButton = $("camera-toggle"), cameraMessage = $("camera-message");
  const gateInput = $("gate");
  const KIT_KEY = "door-kit:" + eventId, LOG_KEY = "door-log:" + eventId;
  const GATE_KEY = "edge-tickets-door-gate", DEVICE_KEY = "edge-tickets-door-device";
  const STATS_EVERY_MS = 5000, KIT_EVERY_MS = 120000, REQUEST_TIMEOUT_MS = 5000;

  let kit = null;              // the door kit, plus clockOffsetMs and savedAt
  /** A ticket of one booking: the key of admissions and void codes. */
  const ticketKey = (t) => t.ticketId + " " + t.bookingId;
  let kitAdmitted = new Map(); // "ticketId bookingId" -> { at, gate }, from the kit (a seat refunded and sold again is a new ticket)
  let kitVoid = new Map();     // "<ticketId> <bookingId>" -> minVersion (null: every code of it is void)
  let log = { admitted: {}, pending: [], problems: [] };
  let stats = null;            // { admitted, total, conflicts } from the server
  let reachable = navigator.onLine;
  let storeWorks = true;
  let busy = false, uploading = false;

  let deviceId = localStorage.getItem(DEVICE_KEY);
  if (!deviceId) {
    deviceId = "dev_" + Array.from(crypto.getRandomValues(new Uint8Array(9)), (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem(DEVICE_KEY, deviceId);
  }
  // A gate's name as the API takes it: 1-40 letters, digits, spaces or . _ # -
  const cleanGate = (text) => String(text || "").replace(/[^\p{L}\p{N} ._#-]/gu, "").trim().slice(0, 40) || "Main gate";
  gateInput.value = cleanGate(localStorage.getItem(GATE_KEY));
  gateInput.addEventListener("change", () => {
    gateInput.value = cleanGate(gateInput.value);
    localStorage.setItem(GATE_KEY, gateInput.value);
  });
  const gate = () => cleanGate(gateInput.value);

  const isStaff = () => {
    const me = T.claims();
    return Boolean(me && (me.roles || []).some((r) => r === "door" || r === "organizer" || r === "admin"));
  };
  const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const seatText = (l) => !l ? "" : l[1] ? l[0] + " · row " + l[1] + " · seat " + l[2] : l[0] + " · general admission";
  const labelOf = (code) => { const claims = C.decodePass(String(code).trim().split("~")[0]); return claims && Array.isArray(claims.l) ? claims.l : null; };
  const nowSeconds = () => Math.floor((Date.now() + (kit ? kit.clockOffsetMs : 0)) / 1000);

  /** A JSON call with the staff's token and a deadline: a door cannot wait on a hanging request. Throws when the server cannot be reached. */
  async function call(path, options) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const headers = { authorization: "Bearer " + T.token() };
      if (options && options.body) headers["content-type"] = "application/json";
      const res = await fetch(path, { method: (options && options.method) || "GET", headers, body: options && options.body ? JSON.stringify(options.body) : undefined, signal: controller.signal });
      const text = await res.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch { data = null; }
      setReachable(true);
      return { status: res.status, ok: res.ok, data: data || {}, headers: res.headers };
    } catch (error) {
      setReachable(false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function save(key, value) {
    try { await S.set(key, value); }
    catch { if (storeWorks) { storeWorks = false; render(); } }
  }

  function useKit(k) {
    kit = k;
    kitAdmitted = new Map((k.admitted || []).map((a) => [ticketKey(a), a]));
    kitVoid = new Map((k.void || []).map((v) => [ticketKey(v), v.minVersion]));
    $("door-title").textContent = "Door: " + k.event.name;
    document.title = "Door · " + k.event.name + " · Edge Tickets";
    $("door-event").textContent = new Date(k.event.startsAt).toLocaleString() + " · " + k.event.venueName;
  }

  async function loadKit() {
    if (!isStaff()) return;
    let res;
    // With a kit already here, only what was recorded since it (a stadium's door need not download every admission again).
    const since = kit && kit.cursor ? "?since=" + encodeURIComponent(kit.cursor) : "";
    try { res = await call("/api/events/" + eventId + "/door-kit" + since); }
    catch { render(); return; }
    if (res.ok) {
      const served = Date.parse(res.data.issuedAt || res.headers.get("date") || "");
      const fresh = res.data.since && kit
        ? { ...res.data, admitted: (kit.admitted || []).concat(res.data.admitted || []), conflicts: (kit.conflicts || []).concat(res.data.conflicts || []) }
        : res.data;
      const k = { ...fresh, clockOffsetMs: Number.isFinite(served) ? served - Date.now() : 0, savedAt: new Date().toISOString() };
      useKit(k);
      await save(KIT_KEY, k);
      T.say(message, "");
    } else if (res.status === 401) {
      T.say(message, "Your sign-in has expired. Sign in again to load the door kit and send scans to the server.", "error");
    } else if (res.status === 403) {
      T.say(message, "This account may not work the door of this event: sign in as door staff of its organizer.", "error");
    } else if (res.status === 404) {
      T.say(message, "No event of your organization has this address. Check the link you were given.", "error");
    } else {
      T.say(message, "The door kit could not be loaded (" + (res.data.detail || "server error " + res.status) + "). " + (kit ? "Using the one on this device." : "Try again in a moment."), "error");
    }
    render();
  }

  async function loadStats() {
    if (!isStaff() || !navigator.onLine) { render(); return; }
    try {
      const res = await call("/api/events/" + eventId + "/door/stats");
      if (res.ok) stats = res.data;
    } catch {}
    render();
  }

  function setReachable(value) {
    if (reachable === value) return;
    reachable = value;
    render();
    if (value) upload();
  }

  function render() {
    $("signin").hidden = isStaff();
    const pending = log.pending.length;
    const base = stats ? stats.admitted : kit ? kitAdmitted.size : null;
    // Offline, the count goes on with this device's admissions that the server has not counted yet.
    $("admitted-count").textContent = base === null ? "—" : String(base + pending);
    const total = stats ? stats.total : kit ? kit.total : null;
    $("total-count").textContent = total === null ? "—" : String(total);
    $("pending-count").textContent = String(pending);
    $("conflict-count").textContent = String(stats ? stats.conflicts : kit && kit.conflicts ? kit.conflicts.length : 0);
    const online = navigator.onLine && reachable;
    const kitText = kit ? "door kit of " + new Date(kit.savedAt).toLocaleTimeString() : "no door kit on this device yet";
    let text = online ? "Online · checking with the server · " + kitText : "Offline · " + (kit ? "admitting with the " + kitText : "cannot check codes: connect once to load the door kit");
    if (pending) text += " · " + pending + (pending === 1 ? " scan" : " scans") + " to upload";
    if (!storeWorks) text += " · this browser cannot keep the door kit: keep this page open";
    network.textContent = text;
    network.className = online ? "meta" : "notice";
    const problems = $("problems");
    problems.replaceChildren();
    for (const p of log.problems) {
      const li = document.createElement("li");
      li.textContent = p.text;
      problems.append(li);
    }
    $("problems-panel").hidden = log.problems.length === 0;
  }

  let audio = null;
  function signal(admit) {
    try {
      audio = audio || new AudioContext();
      const tone = audio.createOscillator(), gain = audio.createGain();
      tone.type = admit ? "sine" : "square";
      tone.frequency.value = admit ? 880 : 220;
      gain.gain.value = 0.12;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (admit ? 0.15 : 0.5));
    } catch {}
    if (navigator.vibrate) navigator.vibrate(admit ? 80 : [200, 100, 200]);
  }

  let calm = null;
  function verdict(kind, word, seat, reason, how) {
    verdictBox.className = "verdict " + kind;
    verdictBox.dataset.verdict = kind;
    const [w, s, r, m] = verdictBox.querySelectorAll("p");
    w.textContent = word;
    s.textContent = seat || "";
    r.textContent = reason || "";
    m.textContent = how ? gate() + " · " + time(new Date().toISOString()) + " · " + how : "";
    if (kind === "admit" || kind === "reject") signal(kind === "admit");
    clearTimeout(calm);
    // The verdict stays until the next scan, dimmed after a while so a new one stands out.
    if (kind === "admit" || kind === "reject") calm = setTimeout(() => verdictBox.classList.add("old"), 6000);
  }
  const admit = (seat, how) => verdict("admit", "ADMIT", seat, "", how);
  const reject = (seat, reason, how) => verdict("reject", "REJECT", seat, reason, how);

  function rememberAdmitted(key, at, where) {
    log.admitted[key] = { at, gate: where };
    save(LOG_KEY, log);
  }
  const whereWhen = (a) => (a.gate ? "at " + a.gate + " " : "") + (a.at ? "at " + time(a.at) : "");

  /** The server's refusal in words for the staff. */
  function refusal(body) {
    if (body.reason === "already admitted") return "Already admitted " + whereWhen({ gate: body.gate, at: body.admittedAt }) + ". One entry per ticket.";
    if (body.reason === "void") return "Void: " + (body.detail || "this ticket was refunded or passed to someone else") + ".";
    if (body.reason === "stale") return sentence(body.detail || "this code is too old: ask the fan to open the ticket in the app");
    return "Not a valid ticket: " + (body.detail || "not a ticket code") + ".";
  }
  const sentence = (text) => text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? "" : ".");

  async function check(code) {
    code = String(code).trim();
    if (!code) return;
    verdict("checking", "Checking…", seatText(labelOf(code)), "", "");
    const local = kit ? await C.checkTicketCode(code, kit.keys, nowSeconds(), { maxAgeSeconds: kit.maxCodeAgeSeconds, windowSeconds: kit.windowSeconds, printCodes: kit.printCodes }) : null;
    const seat = seatText(local && local.ok ? local.label : labelOf(code));
    if (navigator.onLine && isStaff()) {
      try {
        const res = await call("/api/checkin", { method: "POST", body: { token: code, gate: gate(), eventId } });
        const body = res.data;
        if (res.status === 200 && body.admitted) {
          if (local && local.ok) rememberAdmitted(ticketKey(local), body.admittedAt || new Date().toISOString(), body.gate || gate());
          if (stats) stats.admitted++;
          admit(seatText([body.section, body.row, body.seat]), "checked with the server");
          render();
          return;
        }
        if (res.status === 409 && body.admitted === false) {
          if (body.reason === "already admitted" && local && local.ok) rememberAdmitted(ticketKey(local), body.admittedAt, body.gate);
          reject(seat, refusal(body), "checked with the server");
          return;
        }
        if (res.status === 400 || res.status === 422) { reject(seat, local && !local.ok ? "Not a valid ticket: " + local.detail + "." : "Not a ticket code.", "checked with the server"); return; }
        if (res.status === 401) T.say(message, "Your sign-in has expired: scans are checked with the door kit and kept on this device until you sign in again.", "error");
        else if (res.status === 403 || res.status === 404) T.say(message, "The server refuses this account at this event's door: checking with the door kit instead. Sign in as door staff of its organizer.", "error");
        // 5xx, 429: the server cannot decide now; the kit does.
      } catch {}
    }
    offline(code, local, seat);
  }

  /** The kit decides: the code's signature and age, then the void list, then every admission known here. */
  function offline(code, local, seat) {
    const how = "checked on this device (offline)";
    if (!kit) { reject(seat, "Cannot check: this device has no door kit and the server cannot be reached. Do not admit; connect to load the kit.", how); return; }
    if (!local.ok) { reject(seat, local.reason === "stale" ? sentence(local.detail) : "Not a valid ticket: " + local.detail + ".", how); return; }
    if (local.ticketId.slice(0, local.ticketId.lastIndexOf(".")) !== eventId) { reject(seat, "This ticket is for another event.", how); return; }
    const voidKey = ticketKey(local);
    if (kitVoid.has(voidKey)) {
      const minVersion = kitVoid.get(voidKey);
      if (minVersion === null || local.version < minVersion) { reject(seat, "Void: this ticket was refunded or passed to someone else.", how); return; }
    }
    const before = log.admitted[voidKey] || kitAdmitted.get(voidKey);
    if (before) { reject(seat, "Already admitted " + whereWhen(before) + ". One entry per ticket.", how); return; }
    const scannedAt = new Date(nowSeconds() * 1000).toISOString();
    log.pending.push({ token: code, gate: gate(), scannedAt, ticketId: local.ticketId, label: local.label });
    rememberAdmitted(voidKey, scannedAt, gate());
    admit(seatText(local.label), how);
    render();
  }

  /** Sends the scans admitted offline; the server records them and reports conflicts, never merging them away. */
  async function upload() {
    if (uploading || log.pending.length === 0 || !navigator.onLine || !isStaff()) return;
    uploading = true;
    try {
      while (log.pending.length > 0) {
        const batch = log.pending.slice(0, 100);
        let res;
        try { res = await call("/api/events/" + eventId + "/door-kit/scans", { method: "POST", body: { deviceId, scans: batch.map((s) => ({ token: s.token, gate: s.gate, scannedAt: s.scannedAt })) } }); }
        catch { return; }
        if (!res.ok) {
          T.say(message, "The scans made offline could not be uploaded yet (" + (res.data.detail || "server error " + res.status) + "). They stay on this device.", "error");
          return;
        }
        const results = res.data.results || [];
        batch.forEach((scan, i) => {
          const r = results[i] || {};
          const what = seatText(scan.label) + " (" + scan.ticketId + "), admitted offline at " + scan.gate + " at " + time(scan.scannedAt);
          if (r.outcome === "conflict") log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: "Conflict: " + what + ", was also admitted " + whereWhen({ gate: r.gate, at: r.admittedAt }) + ". Two people may have entered on one ticket." });
          else if (r.outcome === "void") log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: "Void: " + what + ", had been refunded or passed on." });
          else if (r.outcome === "invalid" || r.outcome === "stale") log.problems.push({ ticketId: scan.ticketId, outcome: r.outcome, text: "Refused by the server (" + r.outcome + "): " + what + "." });
        });
        log.pending = log.pending.slice(batch.length);
        await save(LOG_KEY, log);
        render();
      }
      loadStats();
    } finally {
      uploading = false;
    }
  }

  // ---- The camera (scanner.js) ----
  let camera = null;
  async function startCamera() {
    try { audio = audio || new AudioContext(); } catch {}
    cameraButton.disabled = true;
    try {
      // The same ticket held up is one scan, even when its code rotates meanwhile.
      camera = await window.CodeScanner.start(video, run, (text) => { const claims = C.decodePass(text.trim().split("~")[0]); return claims ? claims.t : text; });
    } catch (error) {
      const name = error && error.name;
      T.say(cameraMessage, name === "NotSupportedError" ? "This browser cannot use a camera on this page (it needs a secure https address). Type or paste codes below."
        : name === "NotAllowedError" || name === "SecurityError" ? "The camera is blocked for this page: allow it in the browser's site settings, or type codes below."
        : "No camera could be opened (" + ((error && error.message) || "unknown error") + "). Type or paste codes below.", "error");
      return;
    } finally {
      cameraButton.disabled = false;
    }
    video.hidden = false;
    video.dataset.decoder = camera.decoder;
    cameraButton.textContent = "Stop camera";
    T.say(cameraMessage, "Camera on: hold the ticket's code in front of it.", "notice");
  }
  function stopCamera() {
    if (camera) camera.stop();
    camera = null;
    video.hidden = true;
    cameraButton.textContent = "Start camera";
    T.say(cameraMessage, "");
  }
  cameraButton.addEventListener("click", () => (camera ? stopCamera() : startCamera()));

  async function run(code) {
    if (busy) return;
    busy = true;
    try { await check(code); }
    catch (error) { reject("", "The code could not be checked (" + ((error && error.message) || "error") + "). Try again.", ""); }
    finally { busy = false; }
  }

  $("manual").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("code-input");
    if (!input.value.trim() || busy) return;
    await run(input.value);
    input.value = "";
    input.focus();
  });
  const demo = $("demo-door");
  if (demo) demo.addEventListener("click", () => T.signInAs("door"));

  window.addEventListener("online", () => { render(); loadKit().then(upload); loadStats(); });
  window.addEventListener("offline", () => { reachable = false; render(); });
  document.addEventListener("account-changed", () => { render(); loadKit().then(upload); loadStats(); });

  async function start() {
    try {
      const [storedKit, storedLog] = await Promise.all([S.get(KIT_KEY), S.get(LOG_KEY)]);
      if (storedKit) useKit(storedKit);
      if (storedLog) log = storedLog;
    } catch { storeWorks = false; }
    render();
    if (!isStaff()) T.say(message, kit ? "Not signed in: checking with the door kit on this device. Sign in to send scans to the server." : "Sign in as door staff to open this door.", "notice");
    await loadKit();
    await upload();
    await loadStats();
    setInterval(loadStats, STATS_EVERY_MS);
    setInterval(() => { if (navigator.onLine) loadKit().then(upload); }, KIT_EVERY_MS);
    S.keepPage("/door/sw.js");
  }
  start();
})();
`;
