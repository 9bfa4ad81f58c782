import { describe, expect, it } from "vitest";
import { call, callWith, makeEvent, organizerToken } from "../helpers";

describe("pages", () => {
  it("serves the search page with a search box, and lists events", async () => {
    const event = await makeEvent(await organizerToken(), { name: "Page Gala" });
    const res = await call("GET", "/?term=Page%20Gala");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('type="search"');
    expect(html).toContain(`/events/${event.id}`);
  });

  it("answers a malformed search with a 400 page that says what is wrong", async () => {
    const res = await call("GET", "/?lat=999&lng=0");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("lat");
  });

  it("serves an event page with the seat map's data, and 404 for an unknown event", async () => {
    const event = await makeEvent(await organizerToken(), { name: "Map Night" });
    const html = await (await call("GET", `/events/${event.id}`)).text();
    expect(html).toContain('id="seatmap"');
    // The map itself comes apart, at a versioned address the browser keeps.
    const url = /"seatMapUrl":"([^"]+)"/.exec(html)?.[1] ?? "";
    expect(url).toMatch(new RegExp(`^/api/events/${event.id}/seat-map\\?v=\\d+$`));
    const map = await call("GET", url);
    expect(map.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await map.json<{ sections: { name: string }[] }>()).sections.map((s) => s.name)).toEqual(["Stalls", "Floor"]);
    expect((await call("GET", "/events/ev_doesnotexist0000")).status).toBe(404);
  });

  it("serves an event's dashboard as a shell with its script, the same for everyone", async () => {
    const event = await makeEvent(await organizerToken(), { name: "Dashboard Gala" });
    const res = await call("GET", `/organizer/events/${event.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    // One bundle (src/client/pages/dashboard.ts) with every panel; the old per-panel scripts are gone.
    expect(html).toContain("/assets/dashboard.js?v=");
    for (const script of ["refunds", "blocks", "cancel"]) expect(html).not.toContain(`/assets/${script}.js`);
    expect(html).toContain(`"eventId":"${event.id}"`);
    // Nothing of the org is in the page: its script reads everything with the organizer's token.
    expect(html).not.toContain("Dashboard Gala");
    expect((await call("GET", "/assets/dashboard.js")).status).toBe(200);
    expect((await call("GET", "/assets/refunds.js")).status).toBe(404);
  });

  it("serves the page scripts with a long cache, and 404 for others", async () => {
    const res = await call("GET", "/assets/event.js");
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(await res.text()).toContain("EventSource");
    expect((await call("GET", "/assets/nope.js")).status).toBe(404);
  });

  it("sends a Content-Security-Policy", async () => {
    const res = await call("GET", "/me/tickets");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self' https://js.stripe.com");
  });

  it("may not be framed, have their base URL changed or post forms to other sites (CSP)", async () => {
    const csp = (await call("GET", "/me/tickets")).headers.get("content-security-policy") ?? "";
    const directives = csp.split(";").map((directive) => directive.trim());
    expect(directives).toEqual(expect.arrayContaining(["frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]));
  });

  it("tell the script where to send a fan to sign in only when SIGN_IN_URL is set", async () => {
    const configured = await callWith({ SIGN_IN_URL: "https://id.example/authorize" }, "GET", "/me/tickets");
    expect(await configured.text()).toContain('data-sign-in-url="https://id.example/authorize"');
    expect(await (await call("GET", "/me/tickets")).text()).not.toContain("data-sign-in-url");
  });
});
