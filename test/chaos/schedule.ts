/**
 * A chaos schedule: what tens of fans, the card network, Stripe's webhook
 * deliveries, the platform and the clock do to one small event, as plain
 * JSON steps (so a failing schedule can be kept verbatim as a regression),
 * and the fast-check arbitraries that generate and shrink them.
 */
import fc from "fast-check";

export const FANS = 12;
/** The chaos event: 13 places (8 seats, 5 standing), at most 3 per fan. */
export const SEATS = 13;
export const PER_FAN = 3;

export type Step =
  | { op: "buy"; fan: number; seats: number[]; card: "now" | "later" | "never" }
  | { op: "reserve"; fan: number; seats: number[] }
  | { op: "rereserve"; fan: number }
  | { op: "release"; fan: number }
  | { op: "confirm"; fan: number }
  | { op: "confirmTwice"; fan: number }
  | { op: "authorize"; fan: number; deliver: "now" | "later" }
  | { op: "decline"; fan: number }
  | { op: "providerCancel"; fan: number }
  | { op: "deliver"; pick: number }
  | { op: "redeliver"; pick: number }
  | { op: "alarm" }
  | { op: "evict" }
  | { op: "clock"; ms: number }
  | { op: "postgres"; up: boolean }
  | { op: "provider"; up: boolean }
  | { op: "parallel"; steps: Step[] };

const fan = fc.integer({ min: 0, max: FANS - 1 });
const seats = fc.uniqueArray(fc.integer({ min: 0, max: SEATS - 1 }), { minLength: 1, maxLength: PER_FAN });
const pick = fc.nat({ max: 1000 });
const MINUTE = 60_000;

/** Steps that can run at the same moment as others. */
const concurrent: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("buy" as const), fan, seats, card: fc.constantFrom("now" as const, "later" as const, "never" as const) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("reserve" as const), fan, seats }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("rereserve" as const), fan }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("release" as const), fan }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("confirm" as const), fan }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("confirmTwice" as const), fan }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("authorize" as const), fan, deliver: fc.constantFrom("now" as const, "later" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("decline" as const), fan }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("providerCancel" as const), fan }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("deliver" as const), pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("redeliver" as const), pick }) },
  { weight: 2, arbitrary: fc.constant({ op: "alarm" as const }) },
);

/** Steps that change the world for everyone: evictions, the clock, outages. */
const global: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: "evict" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("clock" as const),
      // Mostly minutes (across the 10-minute hold and the 2-minute grace), sometimes days.
      ms: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 5_000, max: 15 * MINUTE }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((d) => d * 86_400_000) }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("postgres" as const), up: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("provider" as const), up: fc.boolean() }) },
);

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: concurrent },
  { weight: 3, arbitrary: global },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("parallel" as const), steps: fc.array(concurrent, { minLength: 2, maxLength: 5 }) }) },
);

export const scheduleArb = fc.array(stepArb, { minLength: 10, maxLength: 45, size: "max" });
