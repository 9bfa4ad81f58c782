import { defineConfig } from "vitest/config";
import { workersPool } from "./test/workers-pool";

// Suites run inside workerd with the Worker's real bindings from
// wrangler.toml; the database comes from test/global-setup.ts.
export default defineConfig({
  plugins: [workersPool()],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
