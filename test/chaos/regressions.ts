/**
 * Schedules that once broke an invariant, kept verbatim (shrunk by
 * fast-check) and replayed on every chaos run. Add the schedule a failing
 * run prints, with a line saying what it found.
 */
import type { Step } from "./schedule";

export const REGRESSIONS: { found: string; steps: Step[] }[] = [];
