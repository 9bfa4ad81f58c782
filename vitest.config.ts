import { configDefaults, defineConfig } from "vitest/config";
import { workersPool } from "./test/workers-pool";

// Suites run inside workerd with the Worker's real bindings from
// wrangler.toml; the database comes from test/global-setup.ts.
export default defineConfig({
  plugins: [workersPool()],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // The compatibility suite runs against the previous release's rooms, in its own config.
    exclude: [...configDefaults.exclude, "test/compat/**"],
    testTimeout: 30_000,
    // A room's log line still on its way to the runner when a test file's
    // environment closes is reported as "Closing rpc while onUserConsoleLog
    // was pending" (seen in CI after every test had passed): the harness
    // losing a log line, not a failure of the code under test. Every other
    // unhandled error still fails the run.
    onUnhandledError: (error) => !(error?.name === "EnvironmentTeardownError" && String(error?.message).includes('"onUserConsoleLog"')),
  },
});
