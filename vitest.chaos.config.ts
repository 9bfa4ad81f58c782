import { defineConfig } from "vitest/config";
import { workersPool } from "./test/workers-pool";

// `npm run test:chaos`: the chaos suite inside workerd, on the same database
// setup as the API suites. CHAOS_SEED, CHAOS_RUNS, CHAOS_SECONDS and
// CHAOS_PATH pass through from the shell.
const passThrough = Object.fromEntries(
  ["CHAOS_SEED", "CHAOS_RUNS", "CHAOS_SECONDS", "CHAOS_PATH"].flatMap((name) => (process.env[name] ? [[name, process.env[name] as string]] : [])),
);

export default defineConfig({
  // Many fans from one test address: the rate limits are lifted (docs/security.md).
  plugins: [workersPool({ ...passThrough, RATE_LIMITS: "off" })],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/chaos/**/*.chaos.ts"],
    testTimeout: 30 * 60_000,
  },
});
