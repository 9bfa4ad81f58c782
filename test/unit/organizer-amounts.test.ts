/**
 * What organizers type against what the API stores (src/client/organizer/amounts.ts):
 * decimal amounts in the currency's own minor unit, percents in basis points,
 * parsed from the text so nothing is lost to floating point or rounded away.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountText, minorDigits, parseAmount, parsePercent, percentLabel, percentText } from "../../src/client/organizer/amounts";

describe("organizer amounts", () => {
  it("the minor unit is the currency's own: cents for dollars, whole yen, thousandths of a dinar", () => {
    expect([minorDigits("usd"), minorDigits("EUR"), minorDigits("jpy"), minorDigits("bhd")]).toEqual([2, 2, 0, 3]);
    expect(parseAmount("1.5", "usd")).toBe(150);
    expect(parseAmount("0.29", "usd")).toBe(29);
    expect(parseAmount("150", "jpy")).toBe(150);
    expect(parseAmount("1.005", "bhd")).toBe(1005);
    expect(amountText(150, "usd")).toBe("1.50");
    expect(amountText(150, "jpy")).toBe("150");
  });

  it("a decimal comma is read as a point; empty is 0; more decimals than the unit has, signs and separators are refused", () => {
    expect(parseAmount("1,50", "eur")).toBe(150);
    expect(parseAmount("  ", "usd")).toBe(0);
    expect(parseAmount(".5", "usd")).toBe(50);
    for (const text of ["1.505", "-1", "1,000.00", "1e3", ".", "abc", "1.5", "0x10"]) {
      expect(parseAmount(text, text === "1.5" ? "jpy" : "usd"), text).toBeNull();
    }
  });

  it("percents are basis points with at most two decimals, from 0 to 100", () => {
    expect(parsePercent("2.5")).toBe(250);
    expect(parsePercent("21")).toBe(2100);
    expect(parsePercent("0.01")).toBe(1);
    expect(parsePercent("100")).toBe(10_000);
    expect(parsePercent("100.01")).toBeNull();
    expect(parsePercent("2.555")).toBeNull();
    expect(percentText(250)).toBe("2.5");
    expect(percentLabel(1000)).toBe("10%");
  });

  it("what is shown reads back as what was stored", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100_000_000 }), (minor) => parseAmount(amountText(minor, "usd"), "usd") === minor));
    fc.assert(fc.property(fc.integer({ min: 0, max: 10_000 }), (bp) => parsePercent(percentText(bp)) === bp));
  });
});
