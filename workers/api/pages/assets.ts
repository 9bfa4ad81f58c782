/** The client scripts, served from the Worker with a content version in their URLs. */
import { APP_JS } from "./client/app";
import { BLOCKS_JS } from "./client/blocks";
import { CANCEL_JS } from "./client/cancel";
import { DASHBOARD_JS } from "./client/dashboard";
import { EVENT_JS } from "./client/event";
import { CHECKOUT_JS, QUEUE_JS, SEARCH_JS, TICKETS_JS } from "./client/flows";
import { ORGANIZER_JS } from "./client/organizer";
import { REFUNDS_JS } from "./client/refunds";

export const ASSETS: Record<string, string> = {
  app: APP_JS,
  event: EVENT_JS,
  search: SEARCH_JS,
  checkout: CHECKOUT_JS,
  queue: QUEUE_JS,
  tickets: TICKETS_JS,
  organizer: ORGANIZER_JS,
  // The event dashboard, in this order: dashboard.js sets up what the panels after it use.
  dashboard: DASHBOARD_JS,
  refunds: REFUNDS_JS,
  blocks: BLOCKS_JS,
  cancel: CANCEL_JS,
};

/** FNV-1a over every script: changes whenever any script does, so URLs can be cached for long. */
export const ASSET_VERSION = (() => {
  let h = 0x811c9dc5;
  for (const code of Object.values(ASSETS)) for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
})();
