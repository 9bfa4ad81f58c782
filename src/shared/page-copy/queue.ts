/** The waiting room's words (workers/api/pages/fan-pages.tsx, src/client/queue/). See shell.ts for how these files work. */
import { formatDuration, formatNumber, type Language } from "../language";

/** Why a place in line ended (the API's QueuePosition `reason`). */
type EndReason = "booked" | "released" | "lapsed" | "cancelled" | "replaced";

const en = {
  title: "Waiting room",
  intro: "Fans are let in a batch at a time, so everyone gets a fair chance at the seats. Keep this page open.",
  botCheckOff: "The bot check is off on this server (no Turnstile key set).",
  status: "Status",
  position: "Your position",
  ahead: "People ahead of you",
  wait: "Estimated wait",
  joining: "Joining…",
  backToEvent: "Back to the event",
  beforeSale: "Waiting for the sale to open; your place is drawn by lottery when it does.",
  soldOutInLine: "In the queue, but sold out for now: join the waitlist below to get returned seats",
  inLine: "In the queue",
  yourTurn: "It's your turn",
  takingYouToSeats: "It's your turn! Taking you to the seats…",
  paused: "Admission is paused; you keep your place.",
  closed: "The waiting room is closed.",
  /** An ended place: why, then what the fan can do. */
  ended: ({ reason }: { reason: EndReason | null }) =>
    `${reason ? { booked: "You booked: your session is over.", released: "You gave your seats back: your session is over.", lapsed: "Your shopping time ran out.", cancelled: "You left the line.", replaced: "This place was replaced by a newer one." }[reason] : "Your place has ended."} Join again to queue at the back.`,
  toBeDrawn: "to be drawn",
  count: ({ count }: { count: number }) => formatNumber(count, "en"),
  /** The estimated wait: minutes beyond 90 seconds, else seconds. */
  eta: ({ seconds }: { seconds: number }) => (seconds > 90 ? formatDuration(Math.round(seconds / 60), "minute", "en") : formatDuration(seconds, "second", "en")),
  signInToJoin: "Sign in (top right) to join the queue.",
};

/** The waiting room's words: English defines the shape every language fills. */
export type QueueCopy = typeof en;

const es: QueueCopy = {
  title: "Sala de espera",
  intro: "Los fans entran por tandas, para que todos tengan la misma oportunidad de conseguir asientos. Mantén esta página abierta.",
  botCheckOff: "La comprobación antibots está desactivada en este servidor (no hay clave de Turnstile).",
  status: "Estado",
  position: "Tu posición",
  ahead: "Personas delante de ti",
  wait: "Espera estimada",
  joining: "Entrando…",
  backToEvent: "Volver al evento",
  beforeSale: "Esperando a que abra la venta; tu lugar se sortea cuando abra.",
  soldOutInLine: "En la cola, pero agotado por ahora: apúntate a la lista de espera de abajo para conseguir asientos devueltos",
  inLine: "En la cola",
  yourTurn: "Es tu turno",
  takingYouToSeats: "¡Es tu turno! Te llevamos a los asientos…",
  paused: "La entrada está en pausa; conservas tu lugar.",
  closed: "La sala de espera está cerrada.",
  ended: ({ reason }) =>
    `${reason ? { booked: "Has reservado: tu sesión ha terminado.", released: "Has devuelto tus asientos: tu sesión ha terminado.", lapsed: "Se ha acabado tu tiempo de compra.", cancelled: "Has salido de la cola.", replaced: "Este lugar se ha sustituido por otro más reciente." }[reason] : "Tu lugar ha terminado."} Vuelve a entrar para hacer cola al final.`,
  toBeDrawn: "por sortear",
  count: ({ count }) => formatNumber(count, "es"),
  eta: ({ seconds }) => (seconds > 90 ? formatDuration(Math.round(seconds / 60), "minute", "es") : formatDuration(seconds, "second", "es")),
  signInToJoin: "Inicia sesión (arriba a la derecha) para entrar en la cola.",
};

export const QUEUE_COPY: Record<Language, QueueCopy> = { en, es };
