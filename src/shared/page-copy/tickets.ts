/** The fan's tickets page's words (workers/api/pages/fan-pages.tsx, src/client/pages/tickets.ts, src/client/tickets/). See shell.ts for how these files work. */
import type { BookingView } from "../booking";
import { plural, type Language } from "../language";

type BookingStatus = BookingView["status"];

/** One line of "Your orders"; the date and amounts come written in the page's language. */
interface OrderLine {
  event: string;
  date: string;
  count: number;
  amount: string;
  status: BookingStatus;
  /** What was refunded, when anything was. */
  refunded: string | null;
}

const en = {
  title: "My tickets",
  intro: "Show the code at the door. It changes every 30 seconds, so a screenshot or a copy does not get in; open this page once before you go and it works without network.",
  ordersHeading: "Your orders",
  signInToSee: "Sign in (top right) to see your tickets.",
  loadFailed: ({ status }: { status: number }) => `Your tickets could not be loaded (server error ${status}).`,
  offline: "You are offline.",
  signInAgain: "Your sign-in has expired: sign in again (top right) to refresh your tickets.",
  /** Why the tickets could not be loaded (a sentence above, or none), and that none are saved here. */
  noneSaved: ({ why }: { why: string }) => (why ? `${why} No tickets are saved on this device yet.` : "No tickets are saved on this device yet."),
  showingSaved: ({ why, savedAt }: { why: string; savedAt: string }) =>
    `${why ? `${why} ` : ""}Showing the tickets saved on this device at ${savedAt}: their codes still work at the door.`,
  keyNotKept: "This browser cannot keep your ticket key: open this page again while online before you go to the door.",
  noTickets: "You have no tickets yet.",
  drawFailed: "A ticket's code could not be drawn on this browser.",
  /** The line under an event's name: when, where, how many tickets. */
  eventMeta: ({ date, venue, city, count }: { date: string; venue: string; city: string; count: number }) =>
    plural("en", count, { one: `${date} · ${venue}, ${city} · 1 ticket`, other: `${date} · ${venue}, ${city} · ${count} tickets` }),
  place: ({ section, row, seat }: { section: string; row: string | null; seat: string | null }) =>
    row ? `${section}, row ${row}, seat ${seat ?? ""}` : `${section}, general admission`,
  received: "Received from another fan",
  void: "Void: this ticket was refunded or passed to someone else. It no longer opens the door.",
  admitted: "Admitted at the door. Enjoy the show!",
  qrAlt: ({ place, rotating }: { place: string; rotating: boolean }) =>
    rotating ? `QR code of your ticket: ${place}. It changes every 30 seconds.` : `QR code of your ticket: ${place}`,
  liveCode: ({ seconds, clock }: { seconds: number; clock: string }) => `Live code · new one in ${seconds} s · ${clock}`,
  printedCode: "Printed-ticket code",
  order: ({ event, date, count, amount, status, refunded }: OrderLine) => {
    const tickets = plural("en", count, { one: "1 ticket", other: `${count} tickets` });
    const state = { authorized: "authorized", confirmed: "confirmed", cancelled: "cancelled", refunded: "refunded" }[status];
    return refunded ? `${event} · ${date} · ${tickets} · ${amount} · ${state} · ${refunded} refunded` : `${event} · ${date} · ${tickets} · ${amount} · ${state}`;
  },
};

/** The tickets page's words: English defines the shape every language fills. */
export type TicketsCopy = typeof en;

const es: TicketsCopy = {
  title: "Mis entradas",
  intro: "Enseña el código en la puerta. Cambia cada 30 segundos, así que una captura o una copia no sirven para entrar; abre esta página una vez antes de ir y funcionará sin conexión.",
  ordersHeading: "Tus pedidos",
  signInToSee: "Inicia sesión (arriba a la derecha) para ver tus entradas.",
  loadFailed: ({ status }) => `No se han podido cargar tus entradas (error del servidor ${status}).`,
  offline: "No tienes conexión.",
  signInAgain: "Tu sesión ha caducado: vuelve a iniciar sesión (arriba a la derecha) para actualizar tus entradas.",
  noneSaved: ({ why }) => (why ? `${why} Aún no hay entradas guardadas en este dispositivo.` : "Aún no hay entradas guardadas en este dispositivo."),
  showingSaved: ({ why, savedAt }) =>
    `${why ? `${why} ` : ""}Se muestran las entradas guardadas en este dispositivo el ${savedAt}: sus códigos siguen valiendo en la puerta.`,
  keyNotKept: "Este navegador no puede guardar la clave de tus entradas: vuelve a abrir esta página con conexión antes de ir a la puerta.",
  noTickets: "Aún no tienes entradas.",
  drawFailed: "No se ha podido dibujar el código de una entrada en este navegador.",
  eventMeta: ({ date, venue, city, count }) =>
    plural("es", count, { one: `${date} · ${venue}, ${city} · 1 entrada`, other: `${date} · ${venue}, ${city} · ${count} entradas` }),
  place: ({ section, row, seat }) => (row ? `${section}, fila ${row}, asiento ${seat ?? ""}` : `${section}, entrada general`),
  received: "Recibida de otro fan",
  void: "Anulada: esta entrada se reembolsó o se pasó a otra persona. Ya no sirve para entrar.",
  admitted: "Validada en la puerta. ¡Disfruta del espectáculo!",
  qrAlt: ({ place, rotating }) => (rotating ? `Código QR de tu entrada: ${place}. Cambia cada 30 segundos.` : `Código QR de tu entrada: ${place}`),
  liveCode: ({ seconds, clock }) => `Código en directo · uno nuevo en ${seconds} s · ${clock}`,
  printedCode: "Código de entrada impresa",
  order: ({ event, date, count, amount, status, refunded }) => {
    const tickets = plural("es", count, { one: "1 entrada", other: `${count} entradas` });
    const state = { authorized: "autorizado", confirmed: "confirmado", cancelled: "cancelado", refunded: "reembolsado" }[status];
    return refunded ? `${event} · ${date} · ${tickets} · ${amount} · ${state} · reembolso de ${refunded}` : `${event} · ${date} · ${tickets} · ${amount} · ${state}`;
  },
};

export const TICKETS_COPY: Record<Language, TicketsCopy> = { en, es };
