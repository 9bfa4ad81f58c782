/**
 * The event page (/events/:id): the live seat map (src/client/seat-map/),
 * picking seats by tap, click or keyboard or by "best available", holding
 * them, and the waitlist panel when nothing is left. Sections and seats are
 * coloured from the seat stream; the fan's picks stay marked at every zoom.
 */
import { EVENT_COPY } from "../../shared/page-copy/event";
import { seatIndexOf } from "../../shared/seat-stream";
import type { SeatMap, Section } from "../../shared/seat-map";
import type { EventPageData } from "../event/event-data";
import { HoldPanel } from "../event/hold-panel";
import { Picks } from "../event/picks";
import { SeatNames } from "../event/seat-names";
import { followSeats } from "../event/seat-stream";
import { SeatMapState } from "../seat-map/map-state";
import { MapView } from "../seat-map/map-view";
import { startPage } from "../shell/account";
import { pageLanguage } from "../shell/language";
import { byId, money, pageData, say } from "../shell/page";
import { announceSoldOut } from "../shell/page-events";
import { api, problemDetail } from "../shell/session";
import { startWaitlistPanel } from "../waitlist/panel";

startPage();

const words = EVENT_COPY[pageLanguage()];
const LIVE = words.liveMap;

const data = pageData<EventPageData>();
const mapStatus = byId("map-status");

/** Everything that needs the seat map, once it is here. */
function start(seatMap: SeatMap): void {
  const state = new SeatMapState(seatMap);
  const names = new SeatNames(seatMap, state, data.prices, data.currency);
  const picks = new Picks(names, data.perUserLimit, data.currency, (seat) => view.picksChanged([seat]));
  const message = byId("message");
  const overview = byId<HTMLButtonElement>("overview");

  const view = new MapView(byId<SVGSVGElement>("seatmap"), seatMap, state, {
    describeSeat: (i) => names.describe(i),
    priceOf: (k) => names.sectionPrice(k),
    isSelected: (i) => picks.selected.has(i),
    isMine: (i) => picks.mine.has(i),
    picked: () => [...picks.selected, ...picks.mine],
    onSeat: (i) => {
      if (picks.toggle(i, state.isAvailable(i))) view.picksChanged([i]);
    },
    onGeneralAdmission: (section: Section) => {
      byId<HTMLSelectElement>("best-section").value = section.name;
      byId<HTMLSelectElement>("best-count").focus();
    },
    onZoomed: (zoomedIn) => {
      overview.hidden = !zoomedIn;
    },
  });

  const holds = new HoldPanel(data, {
    mineChanged: (seats) => {
      const before = picks.mine;
      picks.mine = seats;
      view.picksChanged([...before, ...seats]);
    },
  });

  /**
   * The waitlist panel offers the event's or a section's waitlist when nothing
   * is free there: told when that changes, or when seats were just held (which
   * may be a waitlist offer to this fan), not on every delta.
   */
  let soldOutBefore = "";
  function tellSoldOut(held: boolean): void {
    if (!state.live) return;
    const sections = state.soldOutSections();
    const key = sections.join("\n");
    if (key === soldOutBefore && !held) return;
    soldOutBefore = key;
    announceSoldOut({ soldOut: sections.length === seatMap.sections.length, sections, held });
  }

  followSeats(data.eventId, state, {
    snapshot: () => {
      mapStatus.textContent = LIVE;
      const gone = [...picks.selected].filter((i) => !state.isAvailable(i));
      picks.taken(gone);
      view.repaintAll();
      picks.render();
      tellSoldOut(false);
    },
    delta: (seats, sections, frame) => {
      picks.taken(seats.filter((i) => !state.isAvailable(i)));
      view.seatsChanged(seats, sections);
      tellSoldOut((frame.held ?? []).length > 0);
    },
    stale: () => {
      // The map's seat indexes no longer name the same seats: nothing may be picked or held from it.
      state.live = false;
      picks.replace([]);
      view.repaintAll();
      byId<HTMLButtonElement>("hold").disabled = true;
      for (const button of byId<HTMLFormElement>("best").querySelectorAll("button")) button.disabled = true;
      mapStatus.textContent = words.mapChanged;
    },
    connecting: () => {
      mapStatus.textContent = words.reconnecting;
    },
    live: () => {
      mapStatus.textContent = LIVE;
    },
  });

  async function bestAvailable(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const q = new URLSearchParams({ count: byId<HTMLSelectElement>("best-count").value });
    const section = byId<HTMLSelectElement>("best-section").value;
    if (section) q.set("section", section);
    if (accessibleOnly.checked) q.set("accessible", "true");
    const { ok, data: body } = await api<{ ticketIds: string[]; totalCents: number }>(`/api/events/${data.eventId}/best-available?${q}`);
    if (!ok) {
      say(message, problemDetail(body) ?? words.noSeatsTogether);
      return;
    }
    const before = [...picks.selected];
    picks.replace(body.ticketIds.map(seatIndexOf));
    const first = [...picks.selected][0];
    if (first !== undefined && seatMap.sections[names.sectionIndexOf(first)]?.kind === "seated") view.focusSection(names.sectionIndexOf(first));
    view.picksChanged([...before, ...picks.selected]);
    say(message, words.pickedTogether({ count: body.ticketIds.length, total: money(body.totalCents, data.currency) }));
  }

  overview.addEventListener("click", () => view.reset());
  // The accessible-seats filter: other seats and sections without wheelchair spaces fade, and best-available asks for one.
  const accessibleOnly = byId<HTMLInputElement>("best-accessible");
  accessibleOnly.addEventListener("change", () => byId<SVGSVGElement>("seatmap").classList.toggle("accessible-only", accessibleOnly.checked));
  byId<HTMLButtonElement>("zoom-in").addEventListener("click", () => view.zoomBy(1.6));
  byId<HTMLButtonElement>("zoom-out").addEventListener("click", () => view.zoomBy(1 / 1.6));
  byId<HTMLFormElement>("best").addEventListener("submit", (e) => void bestAvailable(e));
  byId<HTMLButtonElement>("hold").addEventListener("click", () => {
    // What the fan already holds goes into the new hold with what they added: a new hold replaces the old one.
    const seats = [...picks.mine, ...picks.selected];
    for (const i of seats) picks.holding.add(i);
    picks.render();
    void holds.hold(seats).then((held) => {
      picks.holding.clear();
      const picked = [...picks.selected];
      if (held) picks.replace([]);
      else picks.render();
      view.picksChanged([...seats, ...picked]);
    });
  });
  void holds.restore();
  picks.render();
  startWaitlistPanel();
}

/**
 * The seat map comes apart from the page (GET /api/events/:id/seat-map?v=…):
 * a version names one map for ever, so the browser keeps a stadium's map and
 * a fan reloading the page during a hot on-sale does not download it again.
 */
async function loadSeatMap(url: string): Promise<SeatMap> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url).catch(() => null);
    if (res?.ok) return (await res.json()) as SeatMap;
    mapStatus.textContent = words.reconnecting;
    await new Promise((r) => setTimeout(r, Math.min(8_000, 500 * 2 ** attempt)));
  }
}

void loadSeatMap(data.seatMapUrl).then(start);
