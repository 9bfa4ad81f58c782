/**
 * Local development only (DEV_AUTH=1, set by `npm run dev` and the tests):
 * mints tokens so a developer can act as any fan or organizer without an
 * identity provider. Without DEV_AUTH the routes answer 404, as if absent.
 * `/dev/sign-in` plays the identity provider for the web app's demo
 * accounts: it sends the fan back with `#token=…&state=…`, so the page
 * accepts it through the same code as a real provider's redirect.
 * The simulated card network is in `dev-payments.ts`, the invariant checker
 * in `dev-invariants.ts`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { ORG_ID_PATTERN, signToken } from "../auth";
import { DEMO_ORG } from "../catalog/tenancy";
import type { AppEnv } from "../env";
import { createApp } from "../openapi-app";
import { limitByAddress } from "../rate-limits";
import { problemResponses, Problem } from "../problem";

export const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DEV_AUTH !== "1") throw new Problem(404, `no route ${c.req.method} ${c.req.path}`);
  await next();
});

const UserId = z.string().trim().min(1).max(200).regex(/^[\w.@:-]+$/, "letters, digits and . _ @ : - only");

const ROLES = ["fan", "organizer", "door", "admin"] as const;

const TokenRequest = z
  .object({
    userId: UserId,
    roles: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
    org: z.string().regex(ORG_ID_PATTERN, "letters, digits and . _ @ : - only (at most 200)").optional().openapi({
      description: "the organization a staff token acts for; without it, the user's personal org (user:<userId>)",
    }),
    email: z.email().max(254).optional(),
  })
  .strict()
  .openapi("DevTokenRequest");

const SignInQuery = z.object({
  role: z.enum(["fan", "organizer", "door"]).default("fan"),
  userId: UserId.optional(),
  state: z.string().min(16).max(128).regex(/^[\w-]+$/, "letters, digits, _ and - only"),
  redirect_uri: z.url({ protocol: /^https?$/ }).max(2000),
});

export const devRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/token",
      operationId: "createDevToken",
      security: [],
      summary: "Local development only: a signed token for any user",
      middleware: [devOnly, limitByAddress("sign-in")],
      request: { body: { content: { "application/json": { schema: TokenRequest } }, required: true } },
      responses: {
        200: { description: "a token", content: { "application/json": { schema: z.object({ token: z.string() }) } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { userId, roles, org, email } = c.req.valid("json");
      return c.json({ token: await signToken(c.env, { id: userId, roles, org: org ?? null, email: email ?? `${userId}@example.test` }) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dev/sign-in",
      operationId: "signInDemoUser",
      security: [],
      summary: "Local development only: the demo identity provider; back to the page with #token=…&state=…",
      middleware: [devOnly, limitByAddress("sign-in")],
      request: { query: SignInQuery },
      responses: {
        302: { description: "to redirect_uri's path on this site, with `#token=<jwt>&state=<state>`" },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { role, userId, state, redirect_uri } = c.req.valid("query");
      const roles = role === "organizer" ? ["organizer", "fan"] : role === "door" ? ["door"] : ["fan"];
      const id = userId ?? `demo-${role}`;
      // The demo organizer and demo door staff work for the demo catalog; another user gets their personal org.
      const org = role !== "fan" && userId === undefined ? DEMO_ORG : null;
      const token = await signToken(c.env, { id, roles, org, email: `${id}@example.test` });
      // Only back to this site: the path of redirect_uri, never its origin.
      // (A path such as //evil.example is resolved against this site, never read as another host.)
      const given = new URL(redirect_uri);
      const back = new URL(given.pathname.replace(/^[/\\]+/, "/") + given.search, c.req.url);
      if (back.origin !== new URL(c.req.url).origin) throw new Problem(400, "redirect_uri must be a page of this site");
      back.hash = new URLSearchParams({ token, state }).toString();
      return c.redirect(back.toString(), 302);
    },
  );
