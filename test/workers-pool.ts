import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import type { inject as vitestInject } from "vitest";
import { buildClient } from "../scripts/build-client";

// The Worker serves the pages' scripts from a module this build writes (wrangler's [build] does it for `wrangler dev` and deploys).
await buildClient();

type PoolOptions = Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>;

/**
 * The workerd pool every suite runs in: the Worker's real entry and bindings
 * from wrangler.toml, pointed at the database test/global-setup.ts starts,
 * plus any `extra` bindings a suite needs.
 */
export function workersPool(extra: Record<string, string> = {}) {
  return cloudflareTest(({ inject }) => workersPoolOptions(inject, extra));
}

/** The pool's options, for a config that changes them (vitest.compat.config.ts). */
export function workersPoolOptions(inject: typeof vitestInject, extra: Record<string, string> = {}) {
  return {
    main: "./workers/api/index.ts",
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: {
        DATABASE_URL: inject("databaseUrl"),
        NEON_LOCAL_PROXY: inject("neonProxy"),
        JWT_SECRET: "test-only-secret-0123456789abcdef",
        DEV_AUTH: "1",
        // The bot check is off unless a test sets TURNSTILE_SECRET_KEY; it then asks the local stand-in.
        TURNSTILE_VERIFY_URL: inject("turnstileUrl"),
        ...extra,
      },
    },
  } satisfies PoolOptions;
}
