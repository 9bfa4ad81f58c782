/** The waitlist panel's words (workers/api/pages/waitlist-panel.tsx, src/client/waitlist/). See shell.ts for how these files work. */
import { plural, type Language } from "../language";
import type { WaitlistState } from "../room-protocol";

/** The states of an entry that has ended. */
export type EndedState = Exclude<WaitlistState, "waiting" | "offered">;

/** The fan's entry while it waits or holds an offer. */
interface Waiting {
  quantity: number;
  section: string | null;
  position: number;
}

const en = {
  heading: "Waitlist",
  howMany: "How many",
  section: "Section",
  anySection: "Any section",
  join: "Join the waitlist",
  payWithin: "Time left to pay, before the seats go to the next fan:",
  pay: "Pay for these seats",
  leave: "Leave the waitlist",
  waiting: ({ quantity, section, position }: Waiting) =>
    section
      ? plural("en", quantity, {
          one: `You are on the waitlist for 1 ticket in ${section}. Your position: ${position}.`,
          other: `You are on the waitlist for ${quantity} tickets in ${section}. Your position: ${position}.`,
        })
      : plural("en", quantity, {
          one: `You are on the waitlist for 1 ticket. Your position: ${position}.`,
          other: `You are on the waitlist for ${quantity} tickets. Your position: ${position}.`,
        }),
  offered: ({ count }: { count: number }) =>
    plural("en", count, { one: "Seats came back for you: 1 ticket is held in your name.", other: `Seats came back for you: ${count} tickets are held in your name.` }),
  ended: {
    expired: "Your offer ran out and the seats went to the next fan. You can join the waitlist again.",
    booked: "You bought the seats offered to you. See them under My tickets.",
    left: "You left the waitlist.",
    closed: "This event is cancelled or has started: no more seats will be offered.",
  } satisfies Record<EndedState, string>,
  soldOut: ({ minutes }: { minutes: number }) =>
    `Sold out. Join the waitlist: seats that come back are offered to fans on the list in order, and you get ${minutes} minutes to pay.`,
  sectionsSoldOut: "Some sections are sold out. Join a section's waitlist: its returned seats are offered to fans on the list in order.",
  signInToJoin: "Sign in first (top right), then join the waitlist.",
  couldNotJoin: "Could not join the waitlist.",
  joined: "You joined the waitlist. We will email you if seats come back.",
  alreadyOn: "You were on the waitlist already.",
};

/** The waitlist panel's words: English defines the shape every language fills. */
export type WaitlistCopy = typeof en;

const es: WaitlistCopy = {
  heading: "Lista de espera",
  howMany: "Cuántas",
  section: "Sección",
  anySection: "Cualquier sección",
  join: "Apuntarme a la lista de espera",
  payWithin: "Tiempo para pagar antes de que los asientos pasen al siguiente fan:",
  pay: "Pagar estos asientos",
  leave: "Salir de la lista de espera",
  waiting: ({ quantity, section, position }) =>
    section
      ? plural("es", quantity, {
          one: `Estás en la lista de espera para 1 entrada en ${section}. Tu posición: ${position}.`,
          other: `Estás en la lista de espera para ${quantity} entradas en ${section}. Tu posición: ${position}.`,
        })
      : plural("es", quantity, {
          one: `Estás en la lista de espera para 1 entrada. Tu posición: ${position}.`,
          other: `Estás en la lista de espera para ${quantity} entradas. Tu posición: ${position}.`,
        }),
  offered: ({ count }) =>
    plural("es", count, {
      one: "Han vuelto asientos para ti: 1 entrada está reservada a tu nombre.",
      other: `Han vuelto asientos para ti: ${count} entradas están reservadas a tu nombre.`,
    }),
  ended: {
    expired: "Tu oferta ha caducado y los asientos han pasado al siguiente fan. Puedes volver a apuntarte a la lista de espera.",
    booked: "Has comprado los asientos que se te ofrecieron. Los tienes en Mis entradas.",
    left: "Has salido de la lista de espera.",
    closed: "Este evento se ha cancelado o ya ha empezado: no se ofrecerán más asientos.",
  },
  soldOut: ({ minutes }) =>
    `Agotado. Apúntate a la lista de espera: los asientos que vuelvan se ofrecen por orden a los fans de la lista, y tendrás ${minutes} minutos para pagar.`,
  sectionsSoldOut: "Algunas secciones están agotadas. Apúntate a la lista de espera de una sección: sus asientos devueltos se ofrecen por orden a los fans de la lista.",
  signInToJoin: "Primero inicia sesión (arriba a la derecha) y luego apúntate a la lista de espera.",
  couldNotJoin: "No se ha podido entrar en la lista de espera.",
  joined: "Te has apuntado a la lista de espera. Te escribiremos si vuelven asientos.",
  alreadyOn: "Ya estabas en la lista de espera.",
};

export const WAITLIST_COPY: Record<Language, WaitlistCopy> = { en, es };

