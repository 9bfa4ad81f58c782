/**
 * The browser code as the Worker serves it, from the module
 * scripts/build-client.ts generates: one script per page, bundled from
 * src/client/pages/ (`/assets/<page>.js`, with a content version in the URL
 * so it can be cached for a year), and the offline pages' service worker
 * (`/door/sw.js` and `/me/sw.js`, one script in two scopes; what it does and
 * why: src/client/service-workers/offline-pages.ts).
 */
import { CLIENT_BUNDLES, SERVICE_WORKERS } from "./generated/client-bundles";

export const ASSETS: Record<string, string> = CLIENT_BUNDLES;

const worker = SERVICE_WORKERS["offline-pages"];
// Missing only when the generated module is stale: fail at startup, not with an empty script on a door device.
if (worker === undefined) throw new Error("the offline pages' service worker is not built: run `npm run build:client`");
export const OFFLINE_PAGES_WORKER_JS: string = worker;

/** FNV-1a over every script: changes whenever any script does, so URLs can be cached for long. */
export const ASSET_VERSION = (() => {
  let h = 0x811c9dc5;
  for (const code of Object.values(ASSETS)) for (let i = 0; i < code.length; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
})();
