/**
 * Hostile requests on every ops route: malformed JSON, wrong content types,
 * huge bodies, unknown fields and bad query strings are 4xx
 * application/problem+json, never a 5xx, and change nothing.
 */
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/shared/ops";
import { fan, reserve, smallEvent } from "../booking-helpers";
import { json } from "../helpers";
import { app } from "../../workers/api/app";
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";

async function send(path: string, init: RequestInit): Promise<Response> {
  return app.fetch(new Request(`http://tickets.test${path}`, { redirect: "manual", ...init }), env, createExecutionContext());
}

describe("hostile bodies and queries on the ops routes", () => {
  it("bad JSON, wrong content types, empty, huge and odd bodies on every control: 4xx problem+json, nothing audited, nothing paused", async () => {
    const event = await smallEvent();
    const auth = { authorization: `Bearer ${event.organizer}` };
    const jsonType = { ...auth, "content-type": "application/json" };
    const huge = JSON.stringify({ reason: "x".repeat(9 * 1024 * 1024) });
    const cases: [string, RequestInit][] = [
      ["truncated JSON", { headers: jsonType, body: '{"reason": "x"' }],
      ["not JSON", { headers: jsonType, body: "reason=x" }],
      ["JSON null", { headers: jsonType, body: "null" }],
      ["JSON array", { headers: jsonType, body: '[{"reason":"x"}]' }],
      ["JSON string", { headers: jsonType, body: '"pause"' }],
      ["empty body", { headers: jsonType, body: "" }],
      ["no body", { headers: jsonType }],
      ["text/plain", { headers: { ...auth, "content-type": "text/plain" }, body: '{"reason":"x","minutes":5}' }],
      ["form", { headers: { ...auth, "content-type": "application/x-www-form-urlencoded" }, body: "reason=x&minutes=5" }],
      ["no content type", { headers: auth, body: '{"reason":"x","minutes":5}' }],
      ["unknown fields", { headers: jsonType, body: '{"reason":"x","minutes":5,"retryAfterSeconds":60,"batchSize":1,"eventId":"ev_other","by":"admin"}' }],
      ["duplicate keys", { headers: jsonType, body: '{"reason":"x","reason":"\\u0000","minutes":5}' }],
      ["deep nesting", { headers: jsonType, body: `${"[".repeat(5000)}${"]".repeat(5000)}` }],
      ["huge body", { headers: jsonType, body: huge }],
      ["NUL in reason", { headers: jsonType, body: '{"reason":"a\\u0000b","minutes":5,"batchSize":5}' }],
      ["lone surrogate in reason", { headers: jsonType, body: '{"reason":"a\\ud800b","minutes":5,"batchSize":5}' }],
    ];
    for (const control of ["pause", "resume", "extend-holds", "queue"]) {
      for (const [name, init] of cases) {
        const res = await send(`/api/events/${event.id}/ops/${control}`, { method: "POST", ...init });
        const text = await res.text();
        expect(res.status, `${control} / ${name}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${control} / ${name}: ${text.slice(0, 200)}`).toBeLessThan(500);
        expect(res.headers.get("content-type"), `${control} / ${name}`).toBe("application/problem+json");
      }
    }
    const audit = await json<{ entries: AuditEntry[] }>(await send(`/api/events/${event.id}/ops/audit`, { headers: auth }), 200);
    expect(audit.entries).toEqual([]);
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
  });

  it("bad query strings and methods on the reads: 4xx problem+json", async () => {
    const event = await smallEvent();
    const auth = { authorization: `Bearer ${event.organizer}` };
    const reads = [
      `/api/events/${event.id}/ops/audit?limit=0`,
      `/api/events/${event.id}/ops/audit?limit=201`,
      `/api/events/${event.id}/ops/audit?limit=abc`,
      `/api/events/${event.id}/ops/audit?limit=1e400`,
      `/api/events/${event.id}/ops/audit?limit=-1`,
      `/api/events/${event.id}/ops/audit?limit=1&limit=2`,
      `/api/events/${event.id}/ops/audit?cursor=`,
      `/api/events/${event.id}/ops/audit?cursor=${"A".repeat(600)}`,
      `/api/events/${event.id}/ops/audit?eventId=ev_other`,
      `/api/events/${event.id}/ops/audit?cursor=%E0%A4%A`,
      `/api/events/${event.id}/ops/audit?cursor=%00`,
    ];
    for (const path of reads) {
      const res = await send(path, { headers: auth });
      const text = await res.text();
      expect(res.status, `${path}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path}: ${text.slice(0, 200)}`).toBeLessThan(500);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json");
    }
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      for (const path of [`/api/events/${event.id}/ops`, `/api/events/${event.id}/ops/pause`, `/api/events/${event.id}/ops/audit`]) {
        const res = await send(path, { method, headers: { ...auth, "content-type": "application/json" }, body: "{}" });
        await res.body?.cancel();
        expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${path}`).toBeLessThan(500);
      }
    }
  });
});
