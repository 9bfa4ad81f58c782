/**
 * The languages the fan's pages and mail are written in, how a request
 * chooses one, and how numbers, money and dates read in each, through
 * `Intl`. Zod-free: the browser code imports it.
 *
 * A language is chosen per request: the site's `lang` cookie (set by the
 * switcher, workers/api/pages/language-route.ts) when it names one we write,
 * else the best-weighted Accept-Language range we write, else English.
 * Values we do not write ("fr-CA", garbage) read as English instead of
 * failing. The words themselves are in src/shared/page-copy/ (pages) and
 * src/mail/copy.ts (mail); docs/languages.md says how to add a language.
 *
 * Formatters are cached per locale, currency and time zone: a seat map names
 * thousands of seats in a frame, and a new Intl object per call is slow.
 */
export const LANGUAGES = ["en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in that language, for the switcher. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", es: "Español" };

/**
 * The locales the pages format with. English pages write "$42.00" (the
 * dollar sign alone for US dollars) and British dates with a 24-hour clock
 * ("Tue, 1 Jun 2027, 19:30"); Spanish pages write "42,00 €" and "mar, 1 jun 2027, 19:30".
 */
export const PAGE_LOCALES: Record<Language, { numbers: string; dates: string }> = {
  en: { numbers: "en", dates: "en-GB" },
  es: { numbers: "es-ES", dates: "es-ES" },
};

/** The language a tag names ("es-MX" → es), if we write it. */
export function supportedLanguage(tag: string): Language | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === primary) ?? null;
}

/** The language to write in for a stored or rendered value (a cookie, `<html lang>`): its primary subtag if we write it, else English. */
export function languageOf(value: string | null | undefined): Language {
  return (value ? supportedLanguage(value) : null) ?? "en";
}

/**
 * The fan's language from a request: the `lang` cookie when it names one we
 * write, else the Accept-Language range with the highest weight that we
 * write (RFC 9110 §12.5.4; at most 20 ranges are read), else English.
 */
export function requestLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Language {
  const chosen = cookie ? supportedLanguage(cookie) : null;
  if (chosen) return chosen;
  const ranges = (acceptLanguage ?? "")
    .split(",")
    .slice(0, 20)
    .map((part, order) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), weight: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.weight > 0 && r.tag !== "*")
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const range of ranges) {
    const language = supportedLanguage(range.tag);
    if (language) return language;
  }
  return "en";
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>();

/** One Intl object per key, made once. */
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules>(key: string, make: () => T): T {
  let found = cache.get(key) as T | undefined;
  if (!found) cache.set(key, (found = make()));
  return found;
}

/**
 * An amount in the currency's minor unit (cents; yen for JPY) in a locale:
 * the currency's own number of decimals says what the minor unit is.
 */
export function formatMinorUnits(minor: number, currency: string, locale: string): string {
  const code = currency.toUpperCase();
  const format = cached(`money|${locale}|${code}`, () => new Intl.NumberFormat(locale, { style: "currency", currency: code }));
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** Money on a page: an amount in the event's currency's minor unit, written the page language's way. */
export function formatMoney(minor: number, currency: string, language: Language): string {
  return formatMinorUnits(minor, currency, PAGE_LOCALES[language].numbers);
}

/** A count or a number in a sentence ("1,500" in English, "1500" and "90.000" in Spanish). */
export function formatNumber(value: number, language: Language): string {
  return cached(`number|${language}`, () => new Intl.NumberFormat(PAGE_LOCALES[language].numbers)).format(value);
}

/** A duration in whole minutes or seconds ("5 min", "40 s"), in the language's unit words. */
export function formatDuration(value: number, unit: "minute" | "second", language: Language): string {
  return cached(`unit|${language}|${unit}`, () => new Intl.NumberFormat(PAGE_LOCALES[language].numbers, { style: "unit", unit, unitDisplay: "short" })).format(value);
}

const EVENT_TIME: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };

/**
 * When an event starts, in its venue's time zone with the zone named
 * ("Tue, 1 Jun 2027, 21:30 CEST"): a fan abroad sees the local time of the
 * show. An unknown zone reads as UTC rather than failing the page.
 */
export function formatEventTime(iso: string, timeZone: string | null | undefined, language: Language): string {
  const locale = PAGE_LOCALES[language].dates;
  const zone = timeZone || "UTC";
  let format: Intl.DateTimeFormat;
  try {
    format = cached(`event-time|${locale}|${zone}`, () => new Intl.DateTimeFormat(locale, { ...EVENT_TIME, timeZone: zone }));
  } catch {
    format = cached(`event-time|${locale}|UTC`, () => new Intl.DateTimeFormat(locale, { ...EVENT_TIME, timeZone: "UTC" }));
  }
  return format.format(new Date(iso));
}

/** A time of day with seconds, in the browser's own zone (the tickets page's clock beside a live code). */
export function formatClock(ms: number, language: Language): string {
  return cached(`clock|${language}`, () => new Intl.DateTimeFormat(PAGE_LOCALES[language].dates, { hour: "2-digit", minute: "2-digit", second: "2-digit" })).format(new Date(ms));
}

/** A moment in the browser's own zone, date and time (when tickets were saved on this device). */
export function formatLocalDateTime(ms: number, language: Language): string {
  return cached(`local|${language}`, () => new Intl.DateTimeFormat(PAGE_LOCALES[language].dates, { dateStyle: "medium", timeStyle: "short" })).format(new Date(ms));
}

/** The plural forms a sentence has in a language: `other` always, `one` (and for other languages `few`, `many`…) as it needs. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The form of a sentence for a count, by the language's plural rules (Intl.PluralRules). */
export function plural(language: Language, count: number, forms: PluralForms): string {
  const rule = cached(`plural|${language}`, () => new Intl.PluralRules(PAGE_LOCALES[language].numbers)).select(count);
  return forms[rule] ?? forms.other;
}
