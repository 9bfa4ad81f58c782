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

  it("never caches an error", async () => {
    await call("GET", "/api/events/ev_notyetcreated000");
    const again = await call("GET", "/api/events/ev_notyetcreated000");
    expect(again.status).toBe(404);
    expect(again.headers.get("x-cache")).toBeNull();
  });
});
