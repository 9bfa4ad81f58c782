/**
 * The waiting room: joins the line (after the bot check when the server has
 * one), shows the fan's place as the live stream reports it, or by asking
 * every 5 seconds when there is no stream (another tab watches this place,
 * or the stream failed), and takes the fan to the seats with their
 * admission token when their turn comes. While in line on a sold-out event
 * it tells the waitlist panel, which offers to join in one click.
 */
import { QUEUE_COPY } from "../../shared/page-copy/queue";
import { pageLanguage } from "../shell/language";
import { byId, pageData, say } from "../shell/page";
import { announceSoldOut } from "../shell/page-events";
import { api, claims, problemDetail } from "../shell/session";
import { renderBotCheck } from "./bot-check";
import { aheadText, etaText, positionText, stateWords, type QueueJoined, type QueuePosition, type QueueStatus } from "./position";

interface QueuePageData {
  eventId: string;
  turnstileSiteKey: string | null;
}

export function startWaitingRoom(): void {
  const page = pageData<QueuePageData>();
  const words = QUEUE_COPY[pageLanguage()];
  const message = byId("message");
  const out = { state: byId("q-state"), position: byId("q-position"), ahead: byId("q-ahead"), eta: byId("q-eta") };
  const base = `/api/events/${page.eventId}/queue`;
  let source: EventSource | null = null;
  let polling: ReturnType<typeof setInterval> | null = null;

  function show(p: QueuePosition): void {
    out.state.textContent = stateWords(p);
    out.position.textContent = positionText(p);
    out.ahead.textContent = aheadText(p);
    out.eta.textContent = etaText(p);
    // Sold out while in line: the waitlist panel offers to join in one click.
    announceSoldOut({ soldOut: p.state === "waiting" && !!p.soldOut });
  }

  function stop(): void {
    if (source) source.close();
    if (polling) clearInterval(polling);
    source = null;
    polling = null;
  }

  function admitted(token: string): void {
    stop();
    sessionStorage.setItem(`admission:${page.eventId}`, token);
    out.state.textContent = words.takingYouToSeats;
    location.href = `/events/${page.eventId}`;
  }

  async function askStatus(ticket: string): Promise<void> {
    const res = await api<QueueStatus>(`${base}/status?ticket=${encodeURIComponent(ticket)}`);
    if (!res.ok) return;
    if (res.data.admissionToken) return admitted(res.data.admissionToken);
    show(res.data);
    if (res.data.state === "ended" || res.data.state === "closed") stop();
  }

  // Without a live stream (another tab watches this place, or the stream failed), ask every few seconds.
  function poll(ticket: string): void {
    if (polling) return;
    polling = setInterval(() => void askStatus(ticket), 5000);
  }

  function watch(ticket: string): void {
    source = new EventSource(`${base}/stream?ticket=${encodeURIComponent(ticket)}`);
    source.addEventListener("position", (e) => show(JSON.parse(e.data) as QueuePosition));
    source.addEventListener("admitted", (e) => admitted((JSON.parse(e.data) as { admissionToken: string }).admissionToken));
    source.addEventListener("closed", (e) => {
      stop();
      say(message, problemDetail(JSON.parse(e.data)), "error");
    });
    source.addEventListener("error", () => {
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        poll(ticket);
      }
    });
  }

  async function join(botToken?: string): Promise<void> {
    stop();
    if (!claims()) {
      say(message, words.signInToJoin, "error");
      return;
    }
    const headers: Record<string, string> = botToken ? { "x-turnstile-token": botToken } : {};
    const res = await api<QueueJoined>(base, { method: "POST", headers });
    if (!res.ok) {
      say(message, problemDetail(res.data), "error");
      return;
    }
    show(res.data);
    watch(res.data.queueTicket);
  }

  function start(): void {
    if (!page.turnstileSiteKey) return void join();
    renderBotCheck(page.turnstileSiteKey, (token) => void join(token));
  }

  document.addEventListener("account-changed", () => start());
  start();
}
