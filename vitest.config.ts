import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Suites run inside workerd with the Worker's real bindings from
// wrangler.toml; the database comes from test/global-setup.ts.
export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      main: "./workers/api/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          NEON_LOCAL_PROXY: inject("neonProxy"),
          JWT_SECRET: "test-only-secret-0123456789abcdef",
          DEV_AUTH: "1",
        },
      },
    })),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
