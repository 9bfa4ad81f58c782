import { readFileSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { defineConfig } from "vitest/config";
import { workersPoolOptions } from "./test/workers-pool";

// `npm run test:compat`: today's Worker against the rooms of the previous
// release (test/fixtures/previous-rooms/rooms.js, built by
// scripts/previous-rooms.ts), as during a deploy, when a room may still run
// the old code while the new Worker calls it. The Worker is the same as in
// vitest.config.ts; only its three Durable Object bindings point at an
// auxiliary worker running the old classes with the Worker's own bindings.
const FIXTURE = "./test/fixtures/previous-rooms/rooms.js";
const ROOMS = "previous-rooms";
const commit = /^\/\/ previous-rooms: commit ([0-9a-f]{40})$/m.exec(readFileSync(FIXTURE, "utf8"))?.[1] ?? "unknown";

const rooms = { SEAT_ROOM: "SeatRoom", QUEUE_ROOM: "QueueRoom", SEAT_RELAY: "SeatRelay" };
const designators = (scriptName?: string) =>
  Object.fromEntries(Object.entries(rooms).map(([binding, className]) => [binding, { className, scriptName, useSQLite: true }]));

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => {
      const pool = workersPoolOptions(inject);
      // The rooms' bindings are the Worker's (wrangler.toml and the test values), but
      // the queue's consumer stays with the Worker: only one worker may consume it.
      const { queueConsumers: _consumers, durableObjects: _objects, ...wrangler } = unstable_getMiniflareWorkerOptions("./wrangler.toml").workerOptions;
      return {
        ...pool,
        miniflare: {
          ...pool.miniflare,
          durableObjects: designators(ROOMS),
          workers: [
            {
              ...wrangler,
              name: ROOMS,
              modules: true,
              scriptPath: FIXTURE,
              bindings: { ...wrangler.bindings, ...pool.miniflare.bindings },
              durableObjects: designators(),
            },
          ],
        },
      };
    }),
  ],
  test: {
    globalSetup: ["./test/global-setup.ts"],
    include: ["test/compat/**/*.test.ts"],
    provide: { previousRooms: commit },
    testTimeout: 30_000,
    onUnhandledError: (error) => !(error?.name === "EnvironmentTeardownError" && String(error?.message).includes('"onUserConsoleLog"')),
  },
});

declare module "vitest" {
  export interface ProvidedContext {
    /** The commit whose rooms the compatibility suite runs against (vitest.compat.config.ts only). */
    previousRooms: string;
  }
}
