/**
 * What organizers type and what the API stores: amounts as decimals in the
 * currency ("1.50" dollars, "150" yen) against integers in its minor unit
 * (150 cents, 150 yen), and percents ("2.5") against basis points (250).
 *
 * Parsed from the text, never through floating point: "0.29" dollars is
 * 29 cents, where `Math.round(0.29 * 100)` happens to be right and
 * `Math.floor` is not. A value with more decimals than its unit has is
 * refused rather than rounded, so an organizer never saves what they did
 * not type. The currency's minor unit is the number of decimals Intl writes
 * it with, as src/shared/language.ts formats money.
 */

const digitsByCurrency = new Map<string, number>();

/** How many decimals the currency's minor unit has: 2 for USD and EUR, 0 for JPY, 3 for BHD. */
export function minorDigits(currency: string): number {
  const code = currency.toUpperCase();
  let digits = digitsByCurrency.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(code, digits);
  }
  return digits;
}

/** A non-negative decimal with at most `digits` decimals, as an integer scaled by 10^digits; null when the text is not one. Empty text is 0. */
function scaled(text: string, digits: number): number | null {
  // A lone comma is a decimal comma ("1,50"); thousands separators are not accepted.
  const plain = text.trim().replace(/^(\d*),(\d+)$/, "$1.$2");
  if (plain === "") return 0;
  const match = /^(\d*)(?:\.(\d*))?$/.exec(plain);
  if (!match || plain === ".") return null;
  const [, whole = "", fraction = ""] = match;
  if (fraction.length > digits) return null;
  const value = Number(whole || "0") * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return Number.isSafeInteger(value) ? value : null;
}

/** "1.50" in `currency` → 150 (its minor unit); null when it is not an amount the currency can hold. */
export function parseAmount(text: string, currency: string): number | null {
  return scaled(text, minorDigits(currency));
}

/** 150 (minor unit) → "1.50", as the amount fields show it. */
export function amountText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

/** "2.5" (percent, at most two decimals) → 250 basis points; null when it is not a percent from 0 to 100. */
export function parsePercent(text: string): number | null {
  const bp = scaled(text, 2);
  return bp !== null && bp <= 10_000 ? bp : null;
}

/** 250 basis points → "2.5", as the percent fields show it. */
export const percentText = (bp: number): string => String(bp / 100);

/** 250 basis points → "2.5%", in a sentence. */
export const percentLabel = (bp: number): string => new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 2 }).format(bp / 10_000);
