/**
 * The chaos suite (`npm run test:chaos`): seeded random schedules of fans,
 * payments, webhook deliveries, room evictions, outages and clock jumps
 * against one small event, each followed by the invariant checker. A
 * failing schedule is shrunk by fast-check and printed with its seed and
 * path: `CHAOS_SEED=<seed> npm run test:chaos` replays the run (add
 * `CHAOS_PATH=<path>` to replay just the shrunk schedule), and the printed
 * schedule goes into regressions.ts. `CHAOS_RUNS` scales the number of
 * schedules, `CHAOS_SECONDS` the time budget.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dispatchToApp } from "../helpers";
import { REGRESSIONS } from "./regressions";
import { scheduleArb, type Step } from "./schedule";
import { World } from "./world";

const chaos = env as unknown as { CHAOS_SEED?: string; CHAOS_RUNS?: string; CHAOS_SECONDS?: string; CHAOS_PATH?: string };
const SEED = chaos.CHAOS_SEED ? Number(chaos.CHAOS_SEED) : Date.now() % 2 ** 31;
const RUNS = Number(chaos.CHAOS_RUNS ?? 60);
const SECONDS = Number(chaos.CHAOS_SECONDS ?? 150);

// Thousands of requests in one file: around the test pool's per-request proxy (see dispatchToApp).
dispatchToApp();

async function play(steps: Step[]): Promise<string[]> {
  const world = await World.create();
  try {
    await world.run(steps);
    await world.drain();
    return await world.check();
  } finally {
    await world.cleanup();
  }
}

describe("the booking lifecycle under chaos", () => {
  it.each(REGRESSIONS.map((r) => [r.found, r.steps] as const))("regression: %s", async (_found, steps) => {
    expect(await play(steps)).toEqual([]);
  });

  it(`keeps every invariant over ${RUNS} random schedules (CHAOS_SEED=${SEED})`, async () => {
    console.log(`chaos: CHAOS_SEED=${SEED} CHAOS_RUNS=${RUNS} CHAOS_SECONDS=${SECONDS}`);
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (steps) => {
        const violations = await play(steps);
        if (violations.length > 0) console.error(`chaos: violations ${JSON.stringify(violations, null, 1)}\nschedule: ${JSON.stringify(steps)}`);
        expect(violations).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false, verbose: 1, ...(chaos.CHAOS_PATH ? { path: chaos.CHAOS_PATH } : {}) },
    );
  });
});
