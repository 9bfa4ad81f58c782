import { beforeAll, describe, expect, it } from "vitest";
import { call, json, makeEvent, organizerToken, word } from "../helpers";

let token: string;
beforeAll(async () => {
  token = await organizerToken();
});

describe("edge cache", () => {
  it("serves a repeated search from the cache", async () => {
    const term = word();
    await makeEvent(token, { name: `${term} matinee` });
    const first = await call("GET", `/api/search?term=${term}`);
    const second = await call("GET", `/api/search?term=${term}`);
    expect(first.headers.get("x-cache")).toBe("MISS");
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(await second.json()).toEqual(await first.json());
    expect(second.headers.get("cache-control")).toBe("no-cache");
  });

  it("treats the same search with parameters in another order as one entry", async () => {
    const term = word();
    await makeEvent(token, { name: `${term} opening` });
    await call("GET", `/api/search?term=${term}&type=concert&limit=5`);
    const reordered = await call("GET", `/api/search?limit=5&type=concert&term=${term}`);
    expect(reordered.headers.get("x-cache")).toBe("HIT");
  });

  it("serves a repeated event read from the cache and shows an organizer's change on the next read", async () => {
    const event = await makeEvent(token, { name: "Before" });
    await call("GET", `/api/events/${event.id}`);
    const cached = await call("GET", `/api/events/${event.id}`);
    expect(cached.headers.get("x-cache")).toBe("HIT");
    expect((await json<{ name: string }>(cached, 200)).name).toBe("Before");

    await json(await call("PATCH", `/api/events/${event.id}`, { token, body: { name: "After" } }), 200);
    const next = await call("GET", `/api/events/${event.id}`);
    expect(next.headers.get("x-cache")).toBe("MISS");
    expect((await json<{ name: string }>(next, 200)).name).toBe("After");
  });

  it("lists a new event in a cached search on the next read", async () => {
    const term = word();
    await makeEvent(token, { name: `${term} first` });
    await call("GET", `/api/search?term=${term}`);
    await makeEvent(token, { name: `${term} second` });
    const next = await json<{ results: unknown[] }>(await call("GET", `/api/search?term=${term}`), 200);
    expect(next.results).toHaveLength(2);
  });

  it("keeps languages apart: each fan's page is rendered in their language from one cached entry, and an organizer's change reaches both", async () => {
    const event = await makeEvent(token, { name: "Opening night" });
    const inEnglish = () => call("GET", `/events/${event.id}`, { headers: { "accept-language": "en" } }).then((res) => res.text());
    const inSpanish = () => call("GET", `/events/${event.id}`, { headers: { "accept-language": "es" } }).then((res) => res.text());
    const english = await inEnglish();
    // The cached entry is the catalog's JSON, with no words of ours: the Spanish page is rendered from it too.
    expect((await call("GET", `/api/events/${event.id}`)).headers.get("x-cache")).toBe("HIT");
    const spanish = await inSpanish();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("Seat map");
    expect(spanish).toContain('<html lang="es">');
    expect(spanish).toContain("Plano de asientos");
    expect(spanish).not.toContain("Seat map");
    // Back in English after a Spanish page was rendered: nothing of the Spanish page was kept.
    expect(await inEnglish()).toContain("Seat map");

    await json(await call("PATCH", `/api/events/${event.id}`, { token, body: { name: "Closing night" } }), 200);
    for (const html of [await inEnglish(), await inSpanish()]) {
      expect(html).toContain("Closing night");
      expect(html).not.toContain("Opening night");
    }
  });

  it("keeps languages apart on the search page", async () => {
    const term = word();
    await makeEvent(token, { name: `${term} recital` });
    const english = await (await call("GET", `/?term=${term}`, { headers: { "accept-language": "en" } })).text();
    expect((await call("GET", `/api/search?term=${term}`)).headers.get("x-cache")).toBe("HIT");
    const spanish = await (await call("GET", `/?term=${term}`, { headers: { cookie: "lang=es" } })).text();
    expect(english).toContain(`Results for “${term}”`);
    expect(spanish).toContain(`Resultados para «${term}»`);
    expect(spanish).toContain(`${term} recital`);
  });

  it("never caches an error", async () => {
    await call("GET", "/api/events/ev_notyetcreated000");
    const again = await call("GET", "/api/events/ev_notyetcreated000");
    expect(again.status).toBe(404);
    expect(again.headers.get("x-cache")).toBeNull();
  });
});
