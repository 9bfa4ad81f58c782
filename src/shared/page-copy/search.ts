/** The search page's words (workers/api/pages/search-page.tsx, src/client/pages/search.ts). See shell.ts for how these files work. */
import type { EventType } from "../catalog";
import { formatNumber, plural, type Language } from "../language";

const en = {
  title: "Find events",
  what: "What",
  whatPlaceholder: "Artist, team, show, venue",
  city: "City",
  cityPlaceholder: "e.g. London",
  type: "Type",
  anyType: "Any",
  from: "From",
  to: "To",
  search: "Search",
  nearMe: "Near me",
  locationUnavailable: "Your location is not available.",
  /** Above the list of what was wrong with the query (the validator's own words, in English). */
  invalidSearch: ({ issues }: { issues: string }) => `This search cannot be run: ${issues}`,
  resultsFor: ({ term }: { term: string }) => `Results for “${term}”`,
  upcoming: "Upcoming events",
  noMatch: "No events match",
  priceFrom: ({ price }: { price: string }) => `From ${price}`,
  soldOut: "Sold out",
  onlyLeft: ({ count }: { count: number }) => plural("en", count, { one: "Only 1 left", other: `Only ${formatNumber(count, "en")} left` }),
  moreResults: "More results",
  eventTypes: {
    concert: "concert",
    sports: "sports",
    theater: "theater",
    comedy: "comedy",
    family: "family",
    festival: "festival",
    conference: "conference",
  } satisfies Record<EventType, string>,
};

/** The search page's words: English defines the shape every language fills. */
export type SearchCopy = typeof en;

const es: SearchCopy = {
  title: "Buscar eventos",
  what: "Qué",
  whatPlaceholder: "Artista, equipo, espectáculo, recinto",
  city: "Ciudad",
  cityPlaceholder: "p. ej. Madrid",
  type: "Tipo",
  anyType: "Cualquiera",
  from: "Desde",
  to: "Hasta",
  search: "Buscar",
  nearMe: "Cerca de mí",
  locationUnavailable: "Tu ubicación no está disponible.",
  invalidSearch: ({ issues }) => `No se puede hacer esta búsqueda: ${issues}`,
  resultsFor: ({ term }) => `Resultados para «${term}»`,
  upcoming: "Próximos eventos",
  noMatch: "Ningún evento coincide",
  priceFrom: ({ price }) => `Desde ${price}`,
  soldOut: "Agotado",
  onlyLeft: ({ count }) => plural("es", count, { one: "Solo queda 1", other: `Solo quedan ${formatNumber(count, "es")}` }),
  moreResults: "Más resultados",
  eventTypes: {
    concert: "concierto",
    sports: "deportes",
    theater: "teatro",
    comedy: "comedia",
    family: "familiar",
    festival: "festival",
    conference: "conferencia",
  },
};

export const SEARCH_COPY: Record<Language, SearchCopy> = { en, es };
