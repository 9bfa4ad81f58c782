/**
 * The words of every message, one complete set per language. Each sentence
 * is whole in its language, with placeholders for the values (never built
 * from translated fragments), so a translator sees and changes a sentence at
 * once, plural and word order included. `Copy` makes a missing sentence in
 * one language a type error.
 */
import type { MailLanguage } from "./locale";

export interface Place {
  section: string;
  row: string | null;
  seat: string | null;
}

interface Count {
  count: number;
  event: string;
}

export interface Copy {
  footer: string;
  /** A ticket's place: section, row and seat, or general admission. */
  place(p: Place): string;
  labels: { event: string; date: string; venue: string; booking: string; totalPaid: string; refund: string; price: string; payBy: string };
  myTickets: string;
  bookingConfirmed: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: Count): string;
    door: string;
    qrAlt(p: { place: string }): string;
  };
  refund: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: Count & { amount: string }): string;
    void(p: { count: number }): string;
    timing: string;
  };
  eventCancelled: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: { event: string; date: string }): string;
    reason(p: { reason: string }): string;
    refund(p: { amount: string }): string;
    void: string;
  };
  transferSent: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: Count & { recipient: string | null }): string;
    void(p: { count: number }): string;
    notYou: string;
  };
  transferReceived: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: Count & { sender: string | null }): string;
    how: string;
  };
  /** To whoever holds tickets given to them, when those are refunded or the event cancelled (the money goes to the buyer). */
  ticketVoided: {
    subject(p: { event: string }): string;
    title: string;
    refunded(p: Count): string;
    cancelled(p: Count): string;
    void(p: { count: number }): string;
  };
  waitlistOffer: {
    subject(p: { event: string }): string;
    title: string;
    intro(p: Count): string;
    deadline(p: { count: number; time: string }): string;
    lapse: string;
    action: string;
  };
}

const en: Copy = {
  footer: "You receive this email about tickets you hold on Edge Tickets.",
  place: ({ section, row, seat }) =>
    row && seat ? `${section}, row ${row}, seat ${seat}` : seat ? `${section}, seat ${seat}` : `${section} (general admission)`,
  labels: { event: "Event", date: "Date", venue: "Venue", booking: "Booking", totalPaid: "Total paid", refund: "Refund", price: "Price", payBy: "Pay by" },
  myTickets: "See my tickets",
  bookingConfirmed: {
    subject: ({ event }) => `Your tickets for ${event}`,
    title: "Your booking is confirmed",
    intro: ({ count, event }) => (count === 1 ? `Thank you! Here is your ticket for ${event}.` : `Thank you! Here are your ${count} tickets for ${event}.`),
    door: "Show each ticket's QR code at the door: the one below, or the live one under My tickets.",
    qrAlt: ({ place }) => `QR code of the ticket ${place}`,
  },
  refund: {
    subject: ({ event }) => `Your refund for ${event}`,
    title: "Your refund is on its way",
    intro: ({ count, event, amount }) =>
      count === 1 ? `We are refunding ${amount} for 1 ticket for ${event}.` : `We are refunding ${amount} for ${count} tickets for ${event}.`,
    void: ({ count }) => (count === 1 ? "This ticket no longer opens the door." : "These tickets no longer open the door."),
    timing: "The money goes back to the card you paid with; banks usually take 5 to 10 days to show it.",
  },
  eventCancelled: {
    subject: ({ event }) => `Cancelled: ${event}`,
    title: "Your event is cancelled",
    intro: ({ event, date }) => `We are sorry: the organizer has cancelled ${event} on ${date}.`,
    reason: ({ reason }) => `The organizer says: “${reason}”`,
    refund: ({ amount }) => `You need not do anything: a refund of ${amount} to the card you paid with is under way.`,
    void: "Your tickets for this event no longer open the door.",
  },
  transferSent: {
    subject: ({ event }) => `You sent tickets for ${event}`,
    title: "Tickets sent",
    intro: ({ count, event, recipient }) =>
      recipient
        ? count === 1
          ? `You gave 1 ticket for ${event} to ${recipient}.`
          : `You gave ${count} tickets for ${event} to ${recipient}.`
        : count === 1
          ? `You gave away 1 ticket for ${event}.`
          : `You gave away ${count} tickets for ${event}.`,
    void: ({ count }) =>
      count === 1 ? "Its old code no longer opens the door; its new holder has a new one." : "Their old codes no longer open the door; their new holder has new ones.",
    notYou: "If you did not do this, contact the event's organizer at once.",
  },
  transferReceived: {
    subject: ({ event }) => `Tickets for ${event} are now yours`,
    title: "You received tickets",
    intro: ({ count, event, sender }) =>
      sender
        ? count === 1
          ? `${sender} gave you 1 ticket for ${event}.`
          : `${sender} gave you ${count} tickets for ${event}.`
        : count === 1
          ? `You received 1 ticket for ${event}.`
          : `You received ${count} tickets for ${event}.`,
    how: "Sign in under My tickets with this email address to see them with their QR codes.",
  },
  ticketVoided: {
    subject: ({ event }) => `Your tickets for ${event} are no longer valid`,
    title: "Tickets no longer valid",
    refunded: ({ count, event }) =>
      count === 1
        ? `The ticket for ${event} that was given to you has been refunded to the person who bought it.`
        : `The ${count} tickets for ${event} that were given to you have been refunded to the person who bought them.`,
    cancelled: ({ count, event }) =>
      count === 1
        ? `The organizer has cancelled ${event}. The ticket that was given to you is refunded to the person who bought it.`
        : `The organizer has cancelled ${event}. The ${count} tickets that were given to you are refunded to the person who bought them.`,
    void: ({ count }) => (count === 1 ? "It no longer opens the door." : "They no longer open the door."),
  },
  waitlistOffer: {
    subject: ({ event }) => `Seats for ${event} are waiting for you`,
    title: "Seats came back for you",
    intro: ({ count, event }) =>
      count === 1 ? `A seat for ${event} came back, and we are holding it for you.` : `${count} seats for ${event} came back, and we are holding them for you.`,
    deadline: ({ count, time }) => (count === 1 ? `Pay by ${time} to keep it.` : `Pay by ${time} to keep them.`),
    lapse: "If you do not pay in time, they go to the next fan on the waitlist.",
    action: "Buy now",
  },
};

const es: Copy = {
  footer: "Recibes este correo por entradas que tienes en Edge Tickets.",
  place: ({ section, row, seat }) =>
    row && seat ? `${section}, fila ${row}, asiento ${seat}` : seat ? `${section}, asiento ${seat}` : `${section} (entrada general)`,
  labels: { event: "Evento", date: "Fecha", venue: "Lugar", booking: "Reserva", totalPaid: "Total pagado", refund: "Reembolso", price: "Precio", payBy: "Pagar antes de" },
  myTickets: "Ver mis entradas",
  bookingConfirmed: {
    subject: ({ event }) => `Tus entradas para ${event}`,
    title: "Tu reserva está confirmada",
    intro: ({ count, event }) => (count === 1 ? `¡Gracias! Aquí tienes tu entrada para ${event}.` : `¡Gracias! Aquí tienes tus ${count} entradas para ${event}.`),
    door: "Muestra el código QR de cada entrada en la puerta: el de abajo o el código en vivo de Mis entradas.",
    qrAlt: ({ place }) => `Código QR de la entrada ${place}`,
  },
  refund: {
    subject: ({ event }) => `Tu reembolso de ${event}`,
    title: "Tu reembolso está en camino",
    intro: ({ count, event, amount }) =>
      count === 1 ? `Te reembolsamos ${amount} por 1 entrada para ${event}.` : `Te reembolsamos ${amount} por ${count} entradas para ${event}.`,
    void: ({ count }) => (count === 1 ? "Esta entrada ya no da acceso al recinto." : "Estas entradas ya no dan acceso al recinto."),
    timing: "El dinero vuelve a la tarjeta con la que pagaste; los bancos suelen tardar de 5 a 10 días en mostrarlo.",
  },
  eventCancelled: {
    subject: ({ event }) => `Cancelado: ${event}`,
    title: "Tu evento se ha cancelado",
    intro: ({ event, date }) => `Lo sentimos: el organizador ha cancelado ${event} del ${date}.`,
    reason: ({ reason }) => `El organizador dice: «${reason}»`,
    refund: ({ amount }) => `No tienes que hacer nada: ya está en marcha el reembolso de ${amount} a la tarjeta con la que pagaste.`,
    void: "Tus entradas para este evento ya no dan acceso al recinto.",
  },
  transferSent: {
    subject: ({ event }) => `Has enviado entradas para ${event}`,
    title: "Entradas enviadas",
    intro: ({ count, event, recipient }) =>
      recipient
        ? count === 1
          ? `Has dado 1 entrada para ${event} a ${recipient}.`
          : `Has dado ${count} entradas para ${event} a ${recipient}.`
        : count === 1
          ? `Has cedido 1 entrada para ${event}.`
          : `Has cedido ${count} entradas para ${event}.`,
    void: ({ count }) =>
      count === 1 ? "Su código anterior ya no da acceso; quien la recibe tiene uno nuevo." : "Sus códigos anteriores ya no dan acceso; quien las recibe tiene otros nuevos.",
    notYou: "Si no has sido tú, contacta enseguida con el organizador del evento.",
  },
  transferReceived: {
    subject: ({ event }) => `Ya tienes entradas para ${event}`,
    title: "Has recibido entradas",
    intro: ({ count, event, sender }) =>
      sender
        ? count === 1
          ? `${sender} te ha dado 1 entrada para ${event}.`
          : `${sender} te ha dado ${count} entradas para ${event}.`
        : count === 1
          ? `Has recibido 1 entrada para ${event}.`
          : `Has recibido ${count} entradas para ${event}.`,
    how: "Entra en Mis entradas con esta dirección de correo para verlas con sus códigos QR.",
  },
  ticketVoided: {
    subject: ({ event }) => `Tus entradas para ${event} ya no son válidas`,
    title: "Entradas que ya no son válidas",
    refunded: ({ count, event }) =>
      count === 1
        ? `La entrada para ${event} que te dieron se ha reembolsado a quien la compró.`
        : `Las ${count} entradas para ${event} que te dieron se han reembolsado a quien las compró.`,
    cancelled: ({ count, event }) =>
      count === 1
        ? `El organizador ha cancelado ${event}. La entrada que te dieron se reembolsa a quien la compró.`
        : `El organizador ha cancelado ${event}. Las ${count} entradas que te dieron se reembolsan a quien las compró.`,
    void: ({ count }) => (count === 1 ? "Ya no da acceso al recinto." : "Ya no dan acceso al recinto."),
  },
  waitlistOffer: {
    subject: ({ event }) => `Hay entradas esperándote para ${event}`,
    title: "Han vuelto entradas para ti",
    intro: ({ count, event }) =>
      count === 1 ? `Ha quedado libre una entrada para ${event} y te la estamos guardando.` : `Han quedado libres ${count} entradas para ${event} y te las estamos guardando.`,
    deadline: ({ count, time }) => (count === 1 ? `Tienes hasta el ${time} para pagarla.` : `Tienes hasta el ${time} para pagarlas.`),
    lapse: "Si no pagas a tiempo, pasarán al siguiente fan de la lista de espera.",
    action: "Comprar ahora",
  },
};

export const COPY: Record<MailLanguage, Copy> = { en, es };
