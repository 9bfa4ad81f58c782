/**
 * The languages mail is written in, and how dates and money read in each.
 * Choosing a language (the `lang` cookie, Accept-Language) is shared with
 * the pages (src/shared/language.ts); a fan's language is stored as given
 * and normalized here, when a message is written, so a value we do not
 * write in ("fr-CA", garbage) reads as English instead of failing.
 *
 * Mail writes British English ("US$12.34", "Tuesday, 1 June 2027 at
 * 21:30"): a letter is read away from the page, so the currency is named
 * in full and the date is written out.
 */
import { formatMinorUnits, LANGUAGES, languageOf, requestLanguage, type Language } from "../shared/language";

export const MAIL_LANGUAGES = LANGUAGES;
export type MailLanguage = Language;
export { requestLanguage };

const LOCALES: Record<MailLanguage, string> = { en: "en-GB", es: "es-ES" };

/** The language to write in for a stored value: its primary subtag if we write it, else English. */
export const mailLanguage = languageOf;

/** An amount in the currency's minor unit (cents; yen for JPY), written the language's way. */
export function formatMoney(minor: number, currency: string, language: MailLanguage): string {
  return formatMinorUnits(minor, currency, LOCALES[language]);
}

/** A moment in the venue's time zone (UTC when it has none or an unknown one), with the zone named. */
export function formatDateTime(iso: string, language: MailLanguage, timeZone?: string | null): string {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "full", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone: timeZone || "UTC" }).format(new Date(iso)) + zoneSuffix(iso, language, timeZone);
  } catch {
    return new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone: "UTC" }).format(new Date(iso)) + " (UTC)";
  }
}

/** "(CEST)", "(GMT+1)": dateStyle/timeStyle cannot be combined with timeZoneName, so the zone is read apart. */
function zoneSuffix(iso: string, language: MailLanguage, timeZone?: string | null): string {
  const parts = new Intl.DateTimeFormat(LOCALES[language], { timeZone: timeZone || "UTC", timeZoneName: "short" }).formatToParts(new Date(iso));
  const zone = parts.find((p) => p.type === "timeZoneName")?.value;
  return zone ? ` (${zone})` : "";
}
