import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("health says the database is up", async () => {
  const res = await exports.default.fetch("http://x/api/health");
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true, db: "up" });
});
