import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allIn, chargeFor, sumCharges, type FeePolicy } from "../../src/shared/pricing";

const policy = fc.record({ feeFixedCents: fc.integer({ min: 0, max: 10_000 }), feePercentBp: fc.integer({ min: 0, max: 10_000 }), taxRateBp: fc.integer({ min: 0, max: 10_000 }) });
const face = fc.integer({ min: 0, max: 10_000_000 });
const discount = fc.oneof(
  fc.constant(null),
  fc.record({ percentBp: fc.integer({ min: 1, max: 10_000 }), fixedCents: fc.constant(null) }),
  fc.record({ percentBp: fc.constant(null), fixedCents: fc.integer({ min: 1, max: 20_000_000 }) }),
);

describe("all-in prices", () => {
  it("worked by hand: 50.00 with 1.50 + 10 % fee and 21 % tax is 68.37; rounding is half up", () => {
    const fees: FeePolicy = { feeFixedCents: 150, feePercentBp: 1000, taxRateBp: 2100 };
    expect(chargeFor(5000, fees)).toEqual({ faceCents: 5000, discountCents: 0, feeCents: 650, taxCents: 1187, totalCents: 6837 });
    expect(chargeFor(5000, fees, { percentBp: 1500, fixedCents: null })).toEqual({ faceCents: 5000, discountCents: 750, feeCents: 575, taxCents: 1013, totalCents: 5838 });
    expect(chargeFor(1, { feeFixedCents: 0, feePercentBp: 5000, taxRateBp: 0 }).feeCents).toBe(1);
  });

  it("a ticket's split always adds up to its total, and nothing is negative", () => {
    fc.assert(
      fc.property(face, policy, discount, (f, p, d) => {
        const c = chargeFor(f, p, d);
        expect(c.faceCents - c.discountCents + c.feeCents + c.taxCents).toBe(c.totalCents);
        expect(c.discountCents).toBeGreaterThanOrEqual(0);
        expect(c.discountCents).toBeLessThanOrEqual(f);
        expect(Math.min(c.feeCents, c.taxCents, c.totalCents)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("the all-in price never falls as the face value rises (so a range of face values maps to a range of prices)", () => {
    fc.assert(
      fc.property(face, face, policy, (a, b, p) => {
        expect(allIn(Math.min(a, b), p)).toBeLessThanOrEqual(allIn(Math.max(a, b), p));
      }),
    );
  });

  it("the sum of several tickets adds each part, so an order's split adds up to its total", () => {
    fc.assert(
      fc.property(fc.array(face, { maxLength: 20 }), policy, (faces, p) => {
        const sum = sumCharges(faces.map((f) => chargeFor(f, p)));
        expect(sum.faceCents - sum.discountCents + sum.feeCents + sum.taxCents).toBe(sum.totalCents);
        expect(sum.totalCents).toBe(faces.reduce((t, f) => t + allIn(f, p), 0));
      }),
    );
  });
});
