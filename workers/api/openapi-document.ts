/**
 * The OpenAPI document as this deployment serves it. The dev routes
 * (`/dev/*`) are listed only where they answer (DEV_AUTH=1); elsewhere they
 * and the schemas only they use are left out, so the document names nothing
 * a client cannot call.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Schemas = NonNullable<NonNullable<Document["components"]>["schemas"]>;

export function servedDocument(document: Document, env: Env): Document {
  if (env.DEV_AUTH === "1") return document;
  const entries = Object.entries(document.paths ?? {});
  const paths = Object.fromEntries(entries.filter(([path]) => !path.startsWith("/dev/")));
  const devPaths = Object.fromEntries(entries.filter(([path]) => path.startsWith("/dev/")));
  const all: Schemas = document.components?.schemas ?? {};
  const shared = reachable(paths, all);
  const devOnly = [...reachable(devPaths, all)].filter((name) => !shared.has(name));
  const schemas = Object.fromEntries(Object.entries(all).filter(([name]) => !devOnly.includes(name)));
  return { ...document, paths, components: { ...document.components, schemas } };
}

/** The names of the schemas a part of the document refers to, directly or through other schemas. */
function reachable(from: unknown, schemas: Schemas): Set<string> {
  const found = new Set<string>();
  const pending = [from];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const [, name] of JSON.stringify(next).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name === undefined || found.has(name) || !(name in schemas)) continue;
      found.add(name);
      pending.push(schemas[name]);
    }
  }
  return found;
}
