/**
 * The Cache Storage cache the offline pages live in: the page puts itself and
 * its script there (keep-page.ts) and the service worker serves them from it
 * (service-workers/offline-pages.ts). One name in one place, so both always
 * open the same cache; a new name would strand every device's copy.
 */
export const OFFLINE_CACHE = "edge-tickets-offline-v1";
