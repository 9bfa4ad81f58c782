/**
 * All-in prices: what a fan pays for one ticket, from its face value, the
 * event's service fee and tax rate, and a promo code's discount. Every price
 * a fan sees is the total; the split is kept beside it (holds, bookings,
 * refunds, reports) and always adds up, because it is rounded per ticket:
 *
 *   net      = face − discount                (discount ≤ face)
 *   fee      = fixed + round(net × percent)
 *   tax      = round((net + fee) × tax rate)
 *   total    = net + fee + tax
 *
 * Amounts are integers in the currency's minor unit; rates are basis points
 * (1 % = 100). Rounding is half up, done in integers. Zod-free: the browser
 * code imports it.
 */

/** An event's fee and tax (all 0: the face value is the price). */
export interface FeePolicy {
  feeFixedCents: number;
  feePercentBp: number;
  taxRateBp: number;
}

export const NO_FEES: FeePolicy = { feeFixedCents: 0, feePercentBp: 0, taxRateBp: 0 };

/** A promo's discount per ticket: a percent of the face value, or a fixed amount. */
export interface Discount {
  percentBp: number | null;
  fixedCents: number | null;
}

/** One ticket's price, split. */
export interface Charge {
  faceCents: number;
  discountCents: number;
  feeCents: number;
  taxCents: number;
  totalCents: number;
}

/** A ticket of a hold with its price. */
export interface TicketCharge extends Charge {
  seat: number;
}

const share = (amount: number, bp: number): number => Math.floor((amount * bp + 5000) / 10_000);

/** What one ticket of face value `faceCents` costs under `policy`, with `discount` if it applies to it. */
export function chargeFor(faceCents: number, policy: FeePolicy, discount?: Discount | null): Charge {
  const off = discount ? (discount.percentBp !== null ? share(faceCents, discount.percentBp) : (discount.fixedCents ?? 0)) : 0;
  const discountCents = Math.min(faceCents, Math.max(0, off));
  const net = faceCents - discountCents;
  const feeCents = policy.feeFixedCents + share(net, policy.feePercentBp);
  const taxCents = share(net + feeCents, policy.taxRateBp);
  return { faceCents, discountCents, feeCents, taxCents, totalCents: net + feeCents + taxCents };
}

/** The all-in price of a ticket of face value `faceCents` (no discount). It grows with the face value, so a range maps to a range. */
export const allIn = (faceCents: number, policy: FeePolicy): number => chargeFor(faceCents, policy).totalCents;

/** The sum of several tickets' prices, split the same way. */
export function sumCharges(charges: readonly Charge[]): Charge {
  const sum: Charge = { faceCents: 0, discountCents: 0, feeCents: 0, taxCents: 0, totalCents: 0 };
  for (const c of charges) {
    sum.faceCents += c.faceCents;
    sum.discountCents += c.discountCents;
    sum.feeCents += c.feeCents;
    sum.taxCents += c.taxCents;
    sum.totalCents += c.totalCents;
  }
  return sum;
}

/** Whether the event charges anything on top of the face value. */
export const hasFees = (policy: FeePolicy): boolean => policy.feeFixedCents > 0 || policy.feePercentBp > 0 || policy.taxRateBp > 0;
