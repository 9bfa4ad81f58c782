/**
 * The words of every fan page's frame: the header, the language switcher,
 * the account widget and the countdown that pages share.
 *
 * Like every file of src/shared/page-copy/: the English object defines the
 * type and every other language is an object of that type, so a sentence
 * missing in one language is a type error. Sentences are whole, with their
 * values passed to functions (never built from translated fragments), so a
 * translator changes word order and plurals in one place.
 */
import { formatNumber, plural, type Language } from "../language";

const en = {
  /** The document's title: the page's, then the site's name. */
  documentTitle: ({ title }: { title: string }) => `${title} · Edge Tickets`,
  mainNavigation: "Main",
  search: "Search",
  myTickets: "My tickets",
  organizer: "Organizer",
  language: "Language",
  /** The switcher's button for a language the page is not in, for screen readers. */
  switchTo: ({ name }: { name: string }) => `Read this page in ${name}`,
  signedInAs: ({ user }: { user: string }) => `Signed in as ${user}`,
  signOut: "Sign out",
  signIn: "Sign in",
  demoFan: "Continue as demo fan",
  demoOrganizer: "Continue as demo organizer",
  signInToBook: "Sign in with your account to book.",
  signInLinkIgnored: "A sign-in link was ignored: it was not started from this page.",
  /** A countdown's spoken value. */
  timeLeft: ({ minutes, seconds }: { minutes: number; seconds: number }) =>
    `${plural("en", minutes, { one: "1 minute", other: `${formatNumber(minutes, "en")} minutes` })} ${plural("en", seconds, { one: "1 second", other: `${seconds} seconds` })} left`,
};

/** The frame's words: English defines the shape every language fills. */
export type ShellCopy = typeof en;

const es: ShellCopy = {
  documentTitle: ({ title }) => `${title} · Edge Tickets`,
  mainNavigation: "Principal",
  search: "Buscar",
  myTickets: "Mis entradas",
  organizer: "Organizadores",
  language: "Idioma",
  switchTo: ({ name }) => `Leer esta página en ${name}`,
  signedInAs: ({ user }) => `Sesión iniciada como ${user}`,
  signOut: "Cerrar sesión",
  signIn: "Iniciar sesión",
  demoFan: "Entrar como fan de prueba",
  demoOrganizer: "Entrar como organizador de prueba",
  signInToBook: "Inicia sesión con tu cuenta para reservar.",
  signInLinkIgnored: "Se ha ignorado un enlace de inicio de sesión: no se inició desde esta página.",
  timeLeft: ({ minutes, seconds }) =>
    `Tiempo restante: ${plural("es", minutes, { one: "1 minuto", other: `${formatNumber(minutes, "es")} minutos` })} y ${plural("es", seconds, { one: "1 segundo", other: `${seconds} segundos` })}`,
};

export const SHELL_COPY: Record<Language, ShellCopy> = { en, es };
