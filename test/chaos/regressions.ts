/**
 * Schedules that once broke an invariant (or came close), kept verbatim and
 * replayed on every chaos run. Add the shrunk schedule a failing run prints,
 * with a line saying what it found.
 */
import type { Step } from "./schedule";

export const REGRESSIONS: { found: string; steps: Step[] }[] = [
  {
    found: "checkout during a payment provider outage answered 500 instead of 503 (PaymentUnavailable was not mapped)",
    steps: [
      { op: "provider", up: false },
      { op: "buy", fan: 0, seats: [0], card: "now" },
      { op: "provider", up: true },
      { op: "confirm", fan: 0 },
      { op: "authorize", fan: 0, deliver: "now" },
    ],
  },
  {
    found: "a late authorization of a lapsed checkout while the fan holds new seats must not book past the limit",
    steps: [
      { op: "buy", fan: 0, seats: [0, 1, 2], card: "later" },
      { op: "clock", ms: 13 * 60_000 },
      { op: "reserve", fan: 0, seats: [3, 4, 5] },
      { op: "parallel", steps: [{ op: "deliver", pick: 0 }, { op: "confirm", fan: 0 }, { op: "alarm" }] },
      { op: "authorize", fan: 0, deliver: "now" },
    ],
  },
  {
    found: "an authorization delivered during a provider outage, then the hold lapses and another fan takes the seats: no sale, and the card is released",
    steps: [
      { op: "buy", fan: 0, seats: [0], card: "later" },
      { op: "provider", up: false },
      { op: "deliver", pick: 0 },
      { op: "clock", ms: 6 * 60_000 },
      { op: "alarm" },
      { op: "reserve", fan: 1, seats: [0] },
      { op: "provider", up: true },
      { op: "redeliver", pick: 0 },
    ],
  },
  {
    found: "a booking, then two checkouts at once, a cancelled payment and a Postgres outage: the harness's own window check raced itself (a false alarm); kept for the schedule",
    steps: [
      { op: "parallel", steps: [{ op: "deliver", pick: 0 }, { op: "buy", fan: 0, seats: [0], card: "now" }] },
      { op: "reserve", fan: 0, seats: [1] },
      { op: "confirmTwice", fan: 0 },
      { op: "reserve", fan: 0, seats: [0] },
      { op: "providerCancel", fan: 0 },
      { op: "release", fan: 0 },
      { op: "postgres", up: false },
      { op: "parallel", steps: [{ op: "authorize", fan: 0, deliver: "now" }, { op: "buy", fan: 0, seats: [0], card: "now" }] },
      { op: "parallel", steps: [{ op: "buy", fan: 0, seats: [2, 0], card: "never" }, { op: "rereserve", fan: 3 }] },
      { op: "reserve", fan: 4, seats: [7, 10] },
      { op: "release", fan: 4 },
      { op: "parallel", steps: [{ op: "confirm", fan: 4 }, { op: "authorize", fan: 3, deliver: "now" }, { op: "authorize", fan: 4, deliver: "later" }, { op: "confirm", fan: 5 }, { op: "reserve", fan: 2, seats: [9] }] },
      { op: "buy", fan: 4, seats: [0], card: "now" },
    ],
  },
];
