/**
 * The fan's tickets page (/me/tickets). It makes a holder key once per
 * browser (tickets/holder-key.ts) and asks `GET /api/me/tickets?holderKey=…`
 * for the fan's tickets, bought or received, each with a pass bound to that
 * key; the cards show live rotating codes (tickets/live-codes.ts). The last
 * answer is kept on the device (tickets/saved.ts), so the codes keep
 * rotating at a gate without network, and the page itself is kept by the
 * offline service worker (`/me/sw.js`). Signing out forgets the saved
 * tickets. Below them, the fan's orders.
 */
import type { HeldTicket } from "../../shared/booking";
import { formatLocalDateTime } from "../../shared/language";
import { TICKETS_COPY } from "../../shared/page-copy/tickets";
import { keepPage } from "../offline/keep-page";
import { startPage } from "../shell/account";
import { pageLanguage } from "../shell/language";
import { byId, say } from "../shell/page";
import { api, claims, problemDetail } from "../shell/session";
import { holderKey } from "../tickets/holder-key";
import { showTickets, stopCodes } from "../tickets/live-codes";
import { showOrders } from "../tickets/orders";
import { forget, owner, readSaved, save } from "../tickets/saved";

startPage();

const list = byId("bookings");
const message = byId("message");
const words = TICKETS_COPY[pageLanguage()];

async function load(): Promise<void> {
  stopCodes();
  list.replaceChildren();
  const user = owner();
  if (!user) {
    forget();
    say(message, words.signInToSee, "notice");
    return;
  }
  const holder = await holderKey();
  let tickets: HeldTicket[] | null = null;
  let offsetMs = 0;
  let note = "";
  if (claims()) {
    try {
      const res = await api<{ tickets: HeldTicket[] }>(`/api/me/tickets?holderKey=${holder.publicKey}`);
      if (res.ok) {
        tickets = res.data.tickets;
        const served = Date.parse(res.headers.get("date") || "");
        offsetMs = Number.isFinite(served) ? served - Date.now() : 0;
        save({ user, holderKey: holder.publicKey, savedAt: new Date().toISOString(), offsetMs, tickets });
      } else {
        note = problemDetail(res.data) || words.loadFailed({ status: res.status });
      }
    } catch {
      note = words.offline;
    }
  } else {
    note = words.signInAgain;
  }
  if (!tickets) {
    const saved = readSaved(user, holder.publicKey);
    if (!saved) {
      say(message, words.noneSaved({ why: note }), "error");
      return;
    }
    tickets = saved.tickets;
    offsetMs = saved.offsetMs || 0;
    say(message, words.showingSaved({ why: note, savedAt: formatLocalDateTime(Date.parse(saved.savedAt), pageLanguage()) }), "notice");
  } else {
    const keyNote = holder.kept ? "" : words.keyNotKept;
    say(message, tickets.length ? keyNote : words.noTickets, "notice");
  }
  showTickets(list, tickets, holder, offsetMs, () => say(message, words.drawFailed, "error"));
  void showOrders();
}

document.addEventListener("account-changed", () => void load());
void load();
keepPage("/me/sw.js");
