import { exports } from "cloudflare:workers";
import { it } from "vitest";
it("timing", async () => {
  for (let i = 0; i < 4; i++) {
    const t = Date.now();
    const res = await exports.default.fetch("http://x/api/health");
    console.log(res.status, Date.now() - t);
  }
});
