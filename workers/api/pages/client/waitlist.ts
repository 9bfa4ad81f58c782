/**
 * The waitlist panel's script (/assets/waitlist.js), on the event page and
 * the waiting room: when the page says the event (or a section) is sold out
 * (a `sold-out` event from event.js or queue.js), it offers to join the
 * waitlist in one click; it shows the fan's position, and an offer with its
 * countdown and a button to pay (the ordinary checkout of the offered hold).
 * It asks for the fan's entry when the page opens, every 15 seconds while
 * they wait or hold an offer, and when seats on the map are just held (an
 * offer shows as held seats; on a sold-out map little else changes).
 */
export const WAITLIST_JS = String.raw`
(() => {
  const T = window.Tickets;
  const page = T.pageData();
  const panel = document.getElementById("waitlist");
  if (!panel) return;
  const form = document.getElementById("waitlist-join");
  const quantity = document.getElementById("waitlist-quantity");
  const section = document.getElementById("waitlist-section");
  const sectionLabel = document.getElementById("waitlist-section-label");
  const statusBox = document.getElementById("waitlist-status");
  const stateText = document.getElementById("waitlist-state");
  const offerBox = document.getElementById("waitlist-offer");
  const pay = document.getElementById("waitlist-pay");
  const message = document.getElementById("waitlist-message");
  const base = "/api/events/" + page.eventId + "/waitlist";
  let soldOut = { soldOut: false, sections: [] };
  let entry = null;
  let stopCountdown = null;
  let timer = null;
  let asking = null;
  let askedAt = 0;

  const active = () => entry && (entry.state === "waiting" || entry.state === "offered");
  const words = {
    expired: "Your offer ran out and the seats went to the next fan. You can join the waitlist again.",
    booked: "You bought the seats offered to you. See them under My tickets.",
    left: "You left the waitlist.",
    closed: "This event is cancelled or has started: no more seats will be offered.",
  };

  function render() {
    const showJoin = !active() && (soldOut.soldOut || soldOut.sections.length > 0);
    panel.hidden = !showJoin && !entry;
    form.hidden = !showJoin;
    statusBox.hidden = !entry;
    if (showJoin) {
      const keep = section.value;
      section.replaceChildren();
      const choices = (soldOut.soldOut ? [""] : []).concat(soldOut.sections);
      for (const name of choices) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name || "Any section";
        section.append(option);
      }
      if (choices.includes(keep)) section.value = keep;
      sectionLabel.hidden = choices.length < 2 && choices[0] === "";
      document.getElementById("waitlist-why").textContent = soldOut.soldOut
        ? "Sold out. Join the waitlist: seats that come back are offered to fans on the list in order, and you get " + (page.waitlistOfferMinutes || 15) + " minutes to pay."
        : "Some sections are sold out. Join a section's waitlist: its returned seats are offered to fans on the list in order.";
    }
    if (!entry) return;
    offerBox.hidden = entry.state !== "offered";
    document.getElementById("waitlist-leave").hidden = !active();
    if (entry.state === "waiting") stateText.textContent = "You are on the waitlist for " + entry.quantity + (entry.quantity === 1 ? " ticket" : " tickets") + (entry.section ? " in " + entry.section : "") + ". Your position: " + entry.position + ".";
    else if (entry.state === "offered") stateText.textContent = "Seats came back for you: " + entry.ticketIds.length + (entry.ticketIds.length === 1 ? " ticket is" : " tickets are") + " held in your name.";
    else stateText.textContent = words[entry.state] || entry.state;
    if (stopCountdown) { stopCountdown(); stopCountdown = null; }
    if (entry.state === "offered") {
      pay.href = "/checkout/" + entry.holdId;
      stopCountdown = T.countdown(document.getElementById("waitlist-countdown"), entry.expiresAt, () => refresh());
    }
  }

  async function refresh() {
    if (!T.claims()) { entry = null; render(); return; }
    if (asking) return asking;
    askedAt = Date.now();
    asking = (async () => {
      const res = await T.api(base + "/me");
      const before = entry && entry.state;
      entry = res.ok ? res.data : null;
      // The note about joining is old news once the entry moved on (an offer, a booking).
      if (entry && before && entry.state !== before) T.say(message, "", "notice");
      render();
      clearTimeout(timer);
      if (active()) timer = setTimeout(refresh, 15000);
    })().finally(() => { asking = null; });
    return asking;
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!T.claims()) { T.say(message, "Sign in first (top right), then join the waitlist.", "error"); return; }
    const body = { quantity: Number(quantity.value) };
    if (section.value) body.section = section.value;
    const res = await T.api(base, { method: "POST", body });
    if (!res.ok) { T.say(message, res.data && res.data.detail ? res.data.detail : "Could not join the waitlist.", "error"); return; }
    T.say(message, res.status === 201 ? "You joined the waitlist. We will email you if seats come back." : "You were on the waitlist already.", "notice");
    entry = res.data;
    render();
    refresh();
  });
  document.getElementById("waitlist-leave").addEventListener("click", async () => {
    const res = await T.api(base + "/me", { method: "DELETE" });
    if (!res.ok && res.status !== 404) { T.say(message, res.data.detail, "error"); return; }
    T.say(message, "", "notice");
    refresh();
  });
  // The page's map or waiting room says what is sold out; a change of the map may be an offer.
  document.addEventListener("sold-out", (e) => {
    soldOut = { soldOut: !!e.detail.soldOut, sections: e.detail.sections || [] };
    render();
    // At most every 2 s (a busy map changes ten times a second): a change sooner is looked at when the 2 s are up.
    if (e.detail.held && entry && entry.state === "waiting") {
      clearTimeout(timer);
      timer = setTimeout(refresh, Math.max(0, askedAt + 2000 - Date.now()));
    }
  });
  document.addEventListener("account-changed", refresh);
  refresh();
})();
`;
