/** The checkout page's words (workers/api/pages/fan-pages.tsx, src/client/pages/checkout.ts). See shell.ts for how these files work. */
import { plural, type Language } from "../language";

const en = {
  title: "Checkout",
  heldFor: "Your seats are held for",
  simulatedHeading: "Simulated card — no real payment",
  simulatedNote: "This server has no Stripe keys: payments are simulated. No card is charged.",
  cardNumber: "Card number (simulated)",
  paySimulated: "Pay (simulated)",
  decline: "Simulate a declined card",
  pay: "Pay",
  backToMap: "Back to the seat map",
  summary: ({ count, total }: { count: number; total: string }) => plural("en", count, { one: `1 ticket, ${total}`, other: `${count} tickets, ${total}` }),
  signInToPay: "Sign in (top right) to check out.",
  expired: "Your hold expired, so the seats went back on sale. No payment was taken.",
  authorizing: "Authorizing the simulated card…",
  declined: "The simulated card was declined. Try again before the hold runs out.",
  notBooked: "Your seats could not be booked, so your card was not charged (the authorization is released).",
  confirming: "Your payment is being confirmed; your tickets will appear under My tickets.",
  paymentFailed: "The payment did not go through. Try again before the hold runs out.",
};

/** The checkout page's words: English defines the shape every language fills. */
export type CheckoutCopy = typeof en;

const es: CheckoutCopy = {
  title: "Pago",
  heldFor: "Tus asientos están reservados durante",
  simulatedHeading: "Tarjeta simulada — sin pago real",
  simulatedNote: "Este servidor no tiene claves de Stripe: los pagos se simulan. No se cobra ninguna tarjeta.",
  cardNumber: "Número de tarjeta (simulada)",
  paySimulated: "Pagar (simulado)",
  decline: "Simular una tarjeta rechazada",
  pay: "Pagar",
  backToMap: "Volver al plano de asientos",
  summary: ({ count, total }) => plural("es", count, { one: `1 entrada, ${total}`, other: `${count} entradas, ${total}` }),
  signInToPay: "Inicia sesión (arriba a la derecha) para pagar.",
  expired: "Tu reserva ha caducado, así que los asientos han vuelto a la venta. No se ha cobrado nada.",
  authorizing: "Autorizando la tarjeta simulada…",
  declined: "Se ha rechazado la tarjeta simulada. Inténtalo de nuevo antes de que acabe la reserva.",
  notBooked: "No se han podido reservar tus asientos, así que no se ha cobrado tu tarjeta (la autorización se ha liberado).",
  confirming: "Estamos confirmando tu pago; tus entradas aparecerán en Mis entradas.",
  paymentFailed: "El pago no se ha completado. Inténtalo de nuevo antes de que acabe la reserva.",
};

export const CHECKOUT_COPY: Record<Language, CheckoutCopy> = { en, es };
