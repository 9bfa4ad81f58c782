/**
 * Runs once in Node before the suites: a Postgres for the tests (embedded
 * PGlite in memory, or the server named by TEST_DATABASE_URL, wiped first),
 * the WebSocket proxy in front of it, and the migrations. The suites, inside
 * workerd, reach it through the real Neon driver.
 */
import type { TestProject } from "vitest/node";
import { applyMigrations, openDatabase, resetDatabase } from "../scripts/local/database";
import { startTurnstileStandIn } from "./turnstile-stand-in";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  const database = await openDatabase({ url, faults: true });
  if (url) await resetDatabase(database);
  await applyMigrations(database);
  project.provide("databaseUrl", database.url);
  project.provide("neonProxy", database.proxy ?? "");
  project.provide("databaseKind", database.embedded ? "embedded" : "server");
  const turnstile = await startTurnstileStandIn();
  project.provide("turnstileUrl", turnstile.url);
  return async () => {
    await turnstile.stop();
    // Let pools that requests end in waitUntil() finish before the proxy goes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await database.stop();
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    neonProxy: string;
    databaseKind: "embedded" | "server";
    turnstileUrl: string;
  }
}
