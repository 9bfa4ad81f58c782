import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
import { call, callWith, json, organizerToken, problem } from "../helpers";

describe("health", () => {
  it("says the database is up", async () => {
    expect(await json(await call("GET", "/api/health"), 200)).toEqual({ ok: true, db: "up" });
  });

  it("answers 503 with db down when Postgres is unreachable", async () => {
    const res = await callWith({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" }, "GET", "/api/health");
    expect(await json(res, 503)).toEqual({ ok: false, db: "down" });
  });

  it("answers a catalog read with 503 problem+json, not 500, when Postgres is unreachable", async () => {
    const res = await callWith({ DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/none", CACHE_TTL_SECONDS: "0" }, "GET", "/api/events/ev_anything00000000");
    expect(res.headers.get("retry-after")).toBe("5");
    const body = await problem(res, 503);
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });
});

describe("errors", () => {
  it("answers an unknown route with 404 problem+json", async () => {
    const body = await problem(await call("GET", "/api/nowhere"), 404);
    expect(body.detail).toContain("/api/nowhere");
  });

  it("answers malformed JSON with 400 problem+json", async () => {
    const organizer = await organizerToken();
    await problem(await call("POST", "/api/performers", { token: organizer, body: "{not json" }), 400);
  });

  it("answers a body that is not JSON with 415 problem+json", async () => {
    const organizer = await organizerToken();
    const body = await problem(await call("POST", "/api/performers", { token: organizer, body: "name=x", headers: { "content-type": "text/plain" } }), 415);
    expect(body.detail).toContain("application/json");
  });

  it("answers an oversized body with 413 problem+json", async () => {
    const organizer = await organizerToken();
    const huge = JSON.stringify({ name: "x".repeat(9 * 1024 * 1024) });
    await problem(await call("POST", "/api/performers", { token: organizer, body: huge }), 413);
  });
});

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents every API route", async () => {
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { securitySchemes: unknown } }>(
      await call("GET", "/api/openapi.json"),
      200,
    );
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} /api${path.replace(/\{(\w+)\}/g, ":$1")}`)),
    );
    const routed = app.routes
      .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL" && r.path !== "/api/openapi.json")
      .map((r) => `${r.method} ${r.path}`);
    expect(routed.length).toBeGreaterThan(5);
    for (const route of routed) expect(documented, route).toContain(route);
    expect(doc.components.securitySchemes).toHaveProperty("Bearer");
  });

  it("leaves out the dev routes, and the schemas only they use, where they do not exist (DEV_AUTH unset)", async () => {
    const doc = await json<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>(
      await callWith({ DEV_AUTH: undefined }, "GET", "/api/openapi.json"),
      200,
    );
    expect(Object.keys(doc.paths).filter((path) => path.startsWith("/dev/"))).toEqual([]);
    expect(Object.keys(doc.paths)).toContain("/search");
    expect(doc.components.schemas).not.toHaveProperty("DevTokenRequest");
    expect(Object.keys(doc.components.schemas).length).toBeGreaterThan(3);
  });
});
