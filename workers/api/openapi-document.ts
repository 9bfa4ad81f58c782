/**
 * The OpenAPI document as this deployment serves it. The dev routes
 * (`/dev/*`) are listed only where they answer (DEV_AUTH=1); elsewhere they
 * and the schemas only they use are left out, so the document names nothing
 * a client cannot call.
 *
 * The document is generated once per isolate and variant, on first use:
 * routes are registered when the module loads and never change after, so
 * nothing per request can change it (its server is the relative `/api`, not
 * the request's origin). Its JSON, encoded, and its entity tag are kept with
 * it, so a request costs a lookup and a copy (encoding 100 KB of text per
 * request would cost several times more), and a client that sends the tag
 * back gets a 304.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "./env";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Schemas = NonNullable<NonNullable<Document["components"]>["schemas"]>;
/** The bindings the document depends on. */
type DocumentEnv = Pick<Env, "DEV_AUTH">;

/** Clients may reuse the document this long without asking; after that, the ETag makes asking cheap. */
const MAX_AGE_SECONDS = 300;

interface Variant {
  document: Document;
  /** The document's JSON as UTF-8; each response copies it. */
  body: Uint8Array<ArrayBuffer>;
  /** Computed on the first request that needs it (hashing is async). */
  etag?: string;
}

/**
 * The served documents of an app, built from `generate` (the app's full
 * document) on first use: `document(env)` for tools, `respond(c)` for
 * GET /openapi.json.
 */
export function servedDocuments(generate: () => Document) {
  const variants = new Map<boolean, Variant>();
  const variant = (env: DocumentEnv): Variant => {
    const dev = env.DEV_AUTH === "1";
    let found = variants.get(dev);
    if (!found) {
      const document = servedDocument(generate(), env);
      // Copied once into a plain ArrayBuffer: the encoder's result is typed as possibly shared, which a body cannot be.
      found = { document, body: new Uint8Array(new TextEncoder().encode(JSON.stringify(document))) };
      variants.set(dev, found);
    }
    return found;
  };
  return {
    document: (env: DocumentEnv): Document => variant(env).document,
    /** The JSON with its ETag (Hono's `etag()` middleware answers a matching If-None-Match with a 304). */
    respond: async (c: Context<AppEnv>): Promise<Response> => {
      const served = variant(c.env);
      served.etag ??= await entityTag(served.body);
      return c.body(served.body, 200, {
        "content-type": "application/json",
        etag: served.etag,
        "cache-control": `public, max-age=${MAX_AGE_SECONDS}`,
      });
    },
  };
}

export function servedDocument(document: Document, env: DocumentEnv): Document {
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

/** A strong entity tag: the first 16 bytes of the body's SHA-256, in hex. */
async function entityTag(body: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  return `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")}"`;
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
