/**
 * The languages mail is written in, and how dates and money read in each.
 * A fan's language is stored as given (a cookie, an Accept-Language tag);
 * it is normalized here, when a message is written, so a value we do not
 * write in ("fr-CA", garbage) reads as English instead of failing.
 */
export const MAIL_LANGUAGES = ["en", "es"] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];

const LOCALES: Record<MailLanguage, string> = { en: "en-GB", es: "es-ES" };

/** The language to write in for a stored value: its primary subtag if we write it, else English. */
export function mailLanguage(value: string | null | undefined): MailLanguage {
  return (value ? supported(value) : null) ?? "en";
}

/**
 * The fan's language from a request: the site's `lang` cookie when it names
 * one we write, else the Accept-Language range with the highest weight that
 * we write (RFC 9110 §12.5.4), else English.
 */
export function requestLanguage(cookie: string | undefined, acceptLanguage: string | undefined): MailLanguage {
  const chosen = cookie ? supported(cookie) : null;
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
    const language = supported(range.tag);
    if (language) return language;
  }
  return "en";
}

/** The language a tag names ("es-MX" → es), if we write it. */
function supported(tag: string): MailLanguage | null {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return MAIL_LANGUAGES.find((l) => l === primary) ?? null;
}

/** An amount in the currency's minor unit (cents; yen for JPY), written the language's way. */
export function formatMoney(minor: number, currency: string, language: MailLanguage): string {
  const format = new Intl.NumberFormat(LOCALES[language], { style: "currency", currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
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
