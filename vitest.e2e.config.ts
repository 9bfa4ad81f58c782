import { defineConfig } from "vitest/config";

// Browser journeys: Node drives Debian's Chromium (playwright-core) against
// the whole stack started by test/e2e/global-setup.ts.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["./test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
