import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
import { requireUser } from "../../workers/api/auth";
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

  it("names every operation with its own camelCase operationId", async () => {
    const ids = (await operations()).map(({ operation }) => operation.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares bearer security on exactly the operations behind requireUser, and security: [] on the others", async () => {
    const signedIn = new Set(app.routes.filter((r) => r.handler === requireUser).map((r) => `${r.method} ${r.path}`));
    expect(signedIn.size).toBeGreaterThan(10);
    for (const { label, route, operation } of await operations()) {
      if (signedIn.has(route)) expect(operation.security, label).toEqual([{ Bearer: [] }]);
      // Public; a route that reads a token when one is sent says so with an empty alternative.
      else expect([[], [{}, { Bearer: [] }]], label).toContainEqual(operation.security);
    }
  });

  it("answers every bearer operation called without a token with 401, before reading the request", async () => {
    const bearer = (await operations()).filter(({ operation }) => JSON.stringify(operation.security) === '[{"Bearer":[]}]');
    expect(bearer.length).toBeGreaterThan(10);
    for (const { label, method, path } of bearer) {
      const res = await call(method, `/api${path.replace(/\{\w+\}/g, "x")}`);
      expect(res.status, label).toBe(401);
      expect(res.headers.get("www-authenticate"), label).toContain("Bearer");
      await res.body?.cancel();
    }
  });

  it("is served with an ETag and a max-age, and a matching If-None-Match is a 304 without a body", async () => {
    const first = await call("GET", "/api/openapi.json");
    expect(first.status).toBe(200);
    await first.body?.cancel();
    const tag = first.headers.get("etag") ?? "";
    expect(tag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const again = await call("GET", "/api/openapi.json", { headers: { "if-none-match": tag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(tag);
    expect(await again.text()).toBe("");
    // The variant without the dev routes is another document, so another tag.
    const production = await callWith({ DEV_AUTH: undefined }, "GET", "/api/openapi.json", { headers: { "if-none-match": tag } });
    expect(production.status).toBe(200);
    expect(production.headers.get("etag")).not.toBe(tag);
    await production.body?.cancel();
  });
});

interface DocumentOperation {
  operationId?: string;
  security?: Record<string, string[]>[];
}

/** The served document's operations, each with the route (`GET /api/events/:eventId`) it documents. */
async function operations() {
  const doc = await json<{ paths: Record<string, Record<string, DocumentOperation>> }>(await call("GET", "/api/openapi.json"), 200);
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      label: `${method.toUpperCase()} ${path}`,
      route: `${method.toUpperCase()} /api${path.replace(/\{(\w+)\}/g, ":$1")}`,
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}
