/** The door page, its service worker, the fan's tickets page and the demo door staff, as the Worker serves them. */
import { describe, expect, it } from "vitest";
import { call, callWith } from "../helpers";

/** The page's scripts, by name, in the order the page loads them. */
const scripts = (html: string) => [...html.matchAll(/<script src="\/assets\/([a-z-]+)\.js\?v=[0-9a-z]+"/g)].map((m) => m[1]);

describe("the door page", () => {
  it("is the same shell for every event, with its one script and a spoken verdict", async () => {
    const res = await call("GET", "/door/ev_doorpage1");
    expect(res.status).toBe(200);
    const html = await res.text();
    // One bundle (src/client/pages/door.ts) carries the camera, jsQR, the code functions and the local store.
    expect(scripts(html)).toEqual(["door"]);
    const src = /<script src="(\/assets\/door\.js\?v=[0-9a-z]+)"/.exec(html)?.[1] ?? "";
    const script = await call("GET", src);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect(html).toContain('"eventId":"ev_doorpage1"');
    expect(html).toMatch(/id="verdict"[^>]*role="status"[^>]*aria-live="assertive"/);
    expect(html).toContain("Continue as demo door staff");
    expect(html).toContain('name="viewport"');
  });

  it("offers the demo door staff only where demo sign-in is on", async () => {
    const html = await (await callWith({ DEV_AUTH: "0" }, "GET", "/door/ev_doorpage2")).text();
    expect(html).not.toContain("Continue as demo door staff");
  });

  it("serves the offline service worker in the door's and the tickets page's scopes, never cached for long", async () => {
    for (const path of ["/door/sw.js", "/me/sw.js"]) {
      const res = await call("GET", path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("javascript");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain('addEventListener("fetch"');
    }
  });
});

describe("the demo door staff", () => {
  it("signs in through the demo identity provider as door staff of the demo organization", async () => {
    const state = "door-state-0123456789";
    const res = await call("GET", `/api/dev/sign-in?${new URLSearchParams({ role: "door", state, redirect_uri: "http://tickets.test/door/ev_x1" })}`);
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get("location") ?? "");
    expect(back.pathname).toBe("/door/ev_x1");
    const token = new URLSearchParams(back.hash.slice(1)).get("token") ?? "";
    const claims = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; roles: string[]; org: string };
    expect(claims).toMatchObject({ sub: "demo-door", roles: ["door"], org: "demo" });
  });
});

describe("the fan's tickets page", () => {
  it("loads its one script, which carries the QR encoder, the code functions and the local store", async () => {
    const html = await (await call("GET", "/me/tickets")).text();
    expect(scripts(html)).toEqual(["tickets"]);
  });
});
