/**
 * The pages' scripts (built by scripts/build-client.ts from src/client/)
 * carry only browser code: a runtime import of a server module (zod through
 * a schema file, jose, the database driver) would put it in every fan's
 * download. Type imports from src/shared are erased and fine.
 */
import { describe, expect, it } from "vitest";
import { CLIENT_BUNDLES } from "../../workers/api/pages/generated/client-bundles";

describe("the pages' scripts", () => {
  it("every page has its script, and none carries server code", () => {
    expect(Object.keys(CLIENT_BUNDLES).sort()).toEqual(["app", "checkout", "dashboard", "door", "event", "ops", "organizer", "queue", "search", "tickets"]);
    for (const [page, code] of Object.entries(CLIENT_BUNDLES)) {
      for (const server of ["ZodError", "SignJWT", "neondatabase", "drizzle-orm"]) expect(code.includes(server), `${page} includes ${server}`).toBe(false);
    }
  });
});
