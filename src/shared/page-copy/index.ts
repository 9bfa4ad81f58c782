/**
 * The words of the fan's pages, one file per part of the site, each with
 * every language (docs/languages.md). The server renders pages with them and
 * the browser code imports only the parts its page uses, so a page's script
 * carries its own words in every language (a few kilobytes) and picks the
 * page's language from `<html lang>` (src/client/shell/language.ts).
 */
import type { Language } from "../language";
import { CHECKOUT_COPY, type CheckoutCopy } from "./checkout";
import { EVENT_COPY, type EventCopy } from "./event";
import { PRICES_COPY, type PricesCopy } from "./prices";
import { QUEUE_COPY, type QueueCopy } from "./queue";
import { SEARCH_COPY, type SearchCopy } from "./search";
import { SHELL_COPY, type ShellCopy } from "./shell";
import { TICKETS_COPY, type TicketsCopy } from "./tickets";
import { WAITLIST_COPY, type WaitlistCopy } from "./waitlist";

export interface PageCopy {
  shell: ShellCopy;
  search: SearchCopy;
  event: EventCopy;
  prices: PricesCopy;
  waitlist: WaitlistCopy;
  queue: QueueCopy;
  checkout: CheckoutCopy;
  tickets: TicketsCopy;
}

/** Every part's words in one language. */
export function pageCopy(language: Language): PageCopy {
  return {
    shell: SHELL_COPY[language],
    search: SEARCH_COPY[language],
    event: EVENT_COPY[language],
    prices: PRICES_COPY[language],
    waitlist: WAITLIST_COPY[language],
    queue: QUEUE_COPY[language],
    checkout: CHECKOUT_COPY[language],
    tickets: TICKETS_COPY[language],
  };
}
