/**
 * The live operations view (/organizer/events/:id/live) the team running an
 * on-sale keeps open: figures from the ops stream (src/client/ops/stream.ts
 * and figures.ts), the controls (sales.ts, queue.ts, blocks.ts) and the
 * audit (audit.ts), sharing one `Live`. After each control, the audit and
 * the blocks are read again (and every 10 s anyway).
 *
 * Everything from the API goes into the page as text (textContent, DOM
 * APIs), never as HTML.
 */
import { startAudit } from "../ops/audit";
import { startBlockControls } from "../ops/blocks";
import type { Live } from "../ops/context";
import { showFigures } from "../ops/figures";
import { startQueueControls } from "../ops/queue";
import { startSalesControls } from "../ops/sales";
import { connect } from "../ops/stream";
import { startPage } from "../shell/account";
import { byId, pageData, say } from "../shell/page";

startPage();
const { eventId } = pageData<{ eventId: string }>();
const ops = byId("ops");
const live: Live = {
  eventId,
  base: `/api/events/${eventId}`,
  latest: null,
  show(figures) {
    showFigures(live, figures);
    if (figures.queue) queue.show(figures.queue.settings);
  },
  refreshLists() {
    if (ops.hidden) return;
    audit.load(null).catch(() => say(byId("audit-message"), "The audit could not be read (no connection?); it is tried again every 10 s.", "error"));
    blocks.load().catch(() => say(byId("block-result"), "The blocks could not be read (no connection?); they are tried again every 10 s.", "error"));
  },
};
const start = connect(live);
startSalesControls(live);
const queue = startQueueControls(live);
const blocks = startBlockControls(live);
const audit = startAudit(live);
document.addEventListener("account-changed", () => void start());
void start();
