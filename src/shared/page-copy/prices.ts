/**
 * The words of all-in prices (src/shared/pricing.ts) on the fan's pages:
 * the event page's prices and hold, the code field, and checkout. See
 * shell.ts for how these files work.
 */
import type { Language } from "../language";

/** A price's parts, each already written as money in the page's language. */
interface Split {
  face: string;
  fee: string;
  tax: string;
  total: string;
}

const en = {
  allIn: "Prices include service fees and taxes: what you see is what you pay.",
  sectionSplit: ({ section, face, fee, tax, total }: Split & { section: string }) => `${section}: from ${total} (ticket ${face}, service fee ${fee}, tax ${tax})`,
  priceDetails: "Price details",
  face: "Tickets (face value)",
  discount: "Discount",
  fee: "Service fees",
  tax: "Tax",
  total: "Total",
  codeLabel: "Presale or promo code",
  codeHelp: "If you have one, enter it before you hold your seats.",
  codeApplied: ({ code }: { code: string }) => `Code ${code} applied.`,
  codeUnknown: ({ code }: { code: string }) => `The code ${code} is not valid for this event. Check it, or hold your seats without it.`,
  presale: ({ when }: { when: string }) => `Tickets go on sale ${when}. With a presale code you can buy now.`,
};

export type PricesCopy = typeof en;

const es: PricesCopy = {
  allIn: "Los precios incluyen gastos de gestión e impuestos: lo que ves es lo que pagas.",
  sectionSplit: ({ section, face, fee, tax, total }) => `${section}: desde ${total} (entrada ${face}, gastos de gestión ${fee}, impuestos ${tax})`,
  priceDetails: "Detalle del precio",
  face: "Entradas (precio base)",
  discount: "Descuento",
  fee: "Gastos de gestión",
  tax: "Impuestos",
  total: "Total",
  codeLabel: "Código de preventa o promocional",
  codeHelp: "Si tienes uno, escríbelo antes de reservar tus asientos.",
  codeApplied: ({ code }) => `Código ${code} aplicado.`,
  codeUnknown: ({ code }) => `El código ${code} no es válido para este evento. Revísalo o reserva tus asientos sin él.`,
  presale: ({ when }) => `Las entradas salen a la venta el ${when}. Con un código de preventa puedes comprar ya.`,
};

export const PRICES_COPY: Record<Language, PricesCopy> = { en, es };
