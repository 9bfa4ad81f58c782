/** An event's fee policy from its row, as raw SQL (snake case) or Drizzle (camel case) reads it. */
import type { FeePolicy } from "../../../src/shared/pricing";

export function feePolicy(row: { fee_fixed_cents: number; fee_percent_bp: number; tax_rate_bp: number } | FeePolicy): FeePolicy {
  if ("feeFixedCents" in row) return { feeFixedCents: row.feeFixedCents, feePercentBp: row.feePercentBp, taxRateBp: row.taxRateBp };
  return { feeFixedCents: Number(row.fee_fixed_cents), feePercentBp: Number(row.fee_percent_bp), taxRateBp: Number(row.tax_rate_bp) };
}
