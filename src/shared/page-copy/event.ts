/**
 * The event page's words: the page (workers/api/pages/event-page.tsx and
 * seat-legend.tsx), the seat map's names for sections and seats
 * (src/client/seat-map/, src/client/event/seat-names.ts), picking and holding
 * seats (src/client/event/). See shell.ts for how these files work.
 */
import type { SeatStatus } from "../room-protocol";
import type { HeatLevelId } from "../seat-heat";
import type { SeatType } from "../seat-types";
import { formatNumber, plural, type Language } from "../language";

/** A seat or place, with its price already written in the page's language. */
interface SeatPlace {
  section: string;
  /** Null for a place in a general-admission section. */
  row: string | null;
  seat: string | null;
  type: SeatType;
  price: string;
}

/** A section of the overview, for its accessible name. */
interface SectionSummary {
  section: string;
  price: string;
  /** Counts are live (from the seat stream) or, before the first snapshot, the section's size. */
  live: boolean;
  free: number;
  total: number;
  heat: HeatLevelId;
  kind: "ga" | "seated" | "accessible";
}

/** What a seat is to this fan, as its accessible name ends. */
type SeatState = SeatStatus | "selected" | "yours";

const EN_HEAT: Record<HeatLevelId, string> = { plenty: "Plenty left", selling: "Selling", few: "Few left", last: "Last seats", soldOut: "Sold out" };
const ES_HEAT: Record<HeatLevelId, string> = { plenty: "Muchas libres", selling: "Vendiéndose", few: "Pocas libres", last: "Últimas plazas", soldOut: "Agotado" };
const EN_STATES: Record<SeatState, string> = { available: "available", held: "held", sold: "sold", blocked: "not on sale", selected: "selected", yours: "yours" };
const ES_STATES: Record<SeatState, string> = { available: "disponible", held: "reservado", sold: "vendido", blocked: "no está a la venta", selected: "seleccionado", yours: "tuyo" };

const en = {
  notFoundTitle: "Not found",
  notFound: "Event not found",
  searchForEvents: "Search for events",
  cancelledTitle: ({ name }: { name: string }) => `${name} (cancelled)`,
  cancelled: "This event has been cancelled. No tickets are sold; every booking is refunded to the card that paid for it.",
  yourTickets: "Your tickets",
  waitingRoom: "This on-sale uses a waiting room: join it to get your turn to choose seats.",
  joinWaitingRoom: "Join the waiting room",
  mapHeading: "Seat map",
  loadingMap: "Loading the live seat map…",
  liveMap: "Live seat map, updated as fans hold and buy.",
  reconnecting: "Reconnecting to the live seat map…",
  mapChanged: "This venue's map has changed: reload the page to see it.",
  seatsAt: ({ venue }: { venue: string }) => `Seats at ${venue}`,
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  wholeVenue: "Show the whole venue",
  heatLegend: "Sections by seats left",
  heat: EN_HEAT,
  legend: "Legend",
  statuses: { available: "Available", held: "Held", sold: "Sold", blocked: "Not on sale" } satisfies Record<SeatStatus, string>,
  yours: "Yours",
  accessibleLegend: "Accessible seats",
  wheelchairSpace: "Wheelchair space",
  companionSeat: "Companion seat",
  mapHelp:
    "Choose a section to see its seats. Zoom with the buttons, the mouse wheel or two fingers; drag to move; with the map focused, arrow keys move and + and − zoom.",
  pricesBySection: "Prices by section",
  priceRange: ({ from, to }: { from: string; to: string }) => `${from}–${to}`,
  sectionPrice: ({ section, price }: { section: string; price: string }) => `${section}: ${price}`,
  priceToBeAnnounced: "price to be announced",
  yourSeats: "Your seats",
  bestAvailable: "Best available",
  howMany: "How many",
  section: "Section",
  anySection: "Any section",
  sectionOption: ({ section, price }: { section: string; price: string }) => `${section} (${price})`,
  accessibleOnly: "Accessible seats: a wheelchair space, with companion seats",
  findTogether: "Find seats together",
  holdSeats: "Hold these seats",
  addToHold: "Add to your hold",
  heldFor: "Held for",
  goToCheckout: "Go to checkout",
  release: "Release",
  /** A seat's name: where it is, what kind of seat, its price. */
  seatName: ({ section, row, seat, type, price }: SeatPlace) => {
    const kind = type === "wheelchair" ? ", wheelchair space" : type === "companion" ? ", companion seat" : "";
    return row === null ? `${section}, general admission, ${price}` : `${section}, row ${row}, seat ${seat ?? ""}${kind}, ${price}`;
  },
  /** A seat's accessible name: its name, then what it is to this fan (called for thousands of seats: no allocation). */
  seatLabel: ({ name, state }: { name: string; state: SeatState }) => `${name}, ${EN_STATES[state]}`,
  sectionLabel: ({ section, price, live, free, total, heat, kind }: SectionSummary) => {
    const left = live
      ? `${formatNumber(free, "en")} of ${formatNumber(total, "en")} available (${EN_HEAT[heat].toLowerCase()})`
      : plural("en", total, { one: "1 place", other: `${formatNumber(total, "en")} places` });
    const action = kind === "ga" ? "general admission: choose how many with best available" : kind === "accessible" ? "has wheelchair spaces, show seats" : "show seats";
    return `${section}, ${price}, ${left}, ${action}`;
  },
  notAvailable: "That seat is not available.",
  atMost: ({ limit }: { limit: number }) => plural("en", limit, { one: "You can choose at most 1 ticket.", other: `You can choose at most ${limit} tickets.` }),
  taken: ({ seat }: { seat: string }) => `${seat} was just taken by someone else.`,
  remove: "Remove",
  removeSeat: ({ seat }: { seat: string }) => `Remove ${seat}`,
  selected: ({ count, total }: { count: number; total: string }) => `${count} selected, ${total}`,
  noneSelected: "No seats selected yet.",
  noSeatsTogether: "No seats together were found.",
  pickedTogether: ({ count, total }: { count: number; total: string }) =>
    plural("en", count, { one: `We picked a seat for ${total}. Hold it to keep it.`, other: `We picked ${count} seats together for ${total}. Hold them to keep them.` }),
  signInToHold: "Sign in first (top right), then hold your seats.",
  holdConnectionFailed: "The seats could not be held: the connection failed. Try again.",
  couldNotHold: "Could not hold the seats.",
  seatsHeld: ({ count, total }: { count: number; total: string }) => plural("en", count, { one: `1 seat held, ${total}`, other: `${count} seats held, ${total}` }),
  holdExpired: "Your hold expired and the seats went back on sale. Choose again.",
  releaseFailed: "The hold could not be released.",
  releaseConnectionFailed: "The hold could not be released: the connection failed.",
};

/** The event page's words: English defines the shape every language fills. */
export type EventCopy = typeof en;

const es: EventCopy = {
  notFoundTitle: "No encontrado",
  notFound: "No hemos encontrado el evento",
  searchForEvents: "Buscar eventos",
  cancelledTitle: ({ name }) => `${name} (cancelado)`,
  cancelled: "Este evento se ha cancelado. No se venden entradas; cada reserva se reembolsa a la tarjeta con la que se pagó.",
  yourTickets: "Tus entradas",
  waitingRoom: "Esta venta usa una sala de espera: entra en ella para que te llegue el turno de elegir asientos.",
  joinWaitingRoom: "Entrar en la sala de espera",
  mapHeading: "Plano de asientos",
  loadingMap: "Cargando el plano de asientos en directo…",
  liveMap: "Plano de asientos en directo, actualizado a medida que los fans reservan y compran.",
  reconnecting: "Reconectando con el plano de asientos en directo…",
  mapChanged: "El plano de este recinto ha cambiado: recarga la página para verlo.",
  seatsAt: ({ venue }) => `Asientos de ${venue}`,
  zoomIn: "Acercar",
  zoomOut: "Alejar",
  wholeVenue: "Ver todo el recinto",
  heatLegend: "Secciones según los asientos que quedan",
  heat: ES_HEAT,
  legend: "Leyenda",
  statuses: { available: "Disponible", held: "Reservado", sold: "Vendido", blocked: "No está a la venta" },
  yours: "Tus asientos",
  accessibleLegend: "Asientos accesibles",
  wheelchairSpace: "Espacio para silla de ruedas",
  companionSeat: "Asiento de acompañante",
  mapHelp:
    "Elige una sección para ver sus asientos. Acerca o aleja con los botones, la rueda del ratón o dos dedos; arrastra para moverte; con el plano seleccionado, las flechas lo mueven y + y − acercan y alejan.",
  pricesBySection: "Precios por sección",
  priceRange: ({ from, to }) => `${from}–${to}`,
  sectionPrice: ({ section, price }) => `${section}: ${price}`,
  priceToBeAnnounced: "precio por anunciar",
  yourSeats: "Tus asientos",
  bestAvailable: "Mejores asientos disponibles",
  howMany: "Cuántos",
  section: "Sección",
  anySection: "Cualquier sección",
  sectionOption: ({ section, price }) => `${section} (${price})`,
  accessibleOnly: "Asientos accesibles: un espacio para silla de ruedas, con asientos de acompañante",
  findTogether: "Buscar asientos juntos",
  holdSeats: "Reservar estos asientos",
  addToHold: "Añadir a tu reserva",
  heldFor: "Reservados durante",
  goToCheckout: "Ir al pago",
  release: "Liberar",
  seatName: ({ section, row, seat, type, price }) => {
    const kind = type === "wheelchair" ? ", espacio para silla de ruedas" : type === "companion" ? ", asiento de acompañante" : "";
    return row === null ? `${section}, entrada general, ${price}` : `${section}, fila ${row}, asiento ${seat ?? ""}${kind}, ${price}`;
  },
  seatLabel: ({ name, state }) => `${name}, ${ES_STATES[state]}`,
  sectionLabel: ({ section, price, live, free, total, heat, kind }) => {
    const left = live
      ? `${plural("es", free, { one: "1 disponible", other: `${formatNumber(free, "es")} disponibles` })} de ${formatNumber(total, "es")} (${ES_HEAT[heat].toLowerCase()})`
      : plural("es", total, { one: "1 plaza", other: `${formatNumber(total, "es")} plazas` });
    const action =
      kind === "ga"
        ? "entrada general: elige cuántas con mejores asientos disponibles"
        : kind === "accessible"
          ? "tiene espacios para silla de ruedas, ver asientos"
          : "ver asientos";
    return `${section}, ${price}, ${left}, ${action}`;
  },
  notAvailable: "Ese asiento no está disponible.",
  atMost: ({ limit }) => plural("es", limit, { one: "Puedes elegir 1 entrada como máximo.", other: `Puedes elegir ${limit} entradas como máximo.` }),
  taken: ({ seat }) => `Alguien acaba de quedarse con ${seat}.`,
  remove: "Quitar",
  removeSeat: ({ seat }) => `Quitar ${seat}`,
  selected: ({ count, total }) => plural("es", count, { one: `1 seleccionado, ${total}`, other: `${count} seleccionados, ${total}` }),
  noneSelected: "Aún no has elegido asientos.",
  noSeatsTogether: "No hemos encontrado asientos juntos.",
  pickedTogether: ({ count, total }) =>
    plural("es", count, {
      one: `Te hemos elegido un asiento por ${total}. Resérvalo para no perderlo.`,
      other: `Te hemos elegido ${count} asientos juntos por ${total}. Resérvalos para no perderlos.`,
    }),
  signInToHold: "Primero inicia sesión (arriba a la derecha) y luego reserva tus asientos.",
  holdConnectionFailed: "No se han podido reservar los asientos: falló la conexión. Inténtalo de nuevo.",
  couldNotHold: "No se han podido reservar los asientos.",
  seatsHeld: ({ count, total }) => plural("es", count, { one: `1 asiento reservado, ${total}`, other: `${count} asientos reservados, ${total}` }),
  holdExpired: "Tu reserva ha caducado y los asientos han vuelto a la venta. Elige de nuevo.",
  releaseFailed: "No se ha podido liberar la reserva.",
  releaseConnectionFailed: "No se ha podido liberar la reserva: falló la conexión.",
};

export const EVENT_COPY: Record<Language, EventCopy> = { en, es };
