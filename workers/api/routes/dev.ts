/**
 * Local development only (DEV_AUTH=1, set by `npm run dev` and the tests):
 * mints tokens so a developer can act as any fan or organizer without an
 * identity provider. Without DEV_AUTH the routes answer 404, as if absent.
 * The simulated card network is in `dev-payments.ts`, the invariant checker
 * in `dev-invariants.ts`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { signToken } from "../auth";
import type { AppEnv } from "../env";
import { createApp } from "../openapi-app";
import { problemResponses, Problem } from "../problem";

export const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DEV_AUTH !== "1") throw new Problem(404, `no route ${c.req.method} ${c.req.path}`);
  await next();
});

const TokenRequest = z
  .object({
    userId: z.string().trim().min(1).max(200).regex(/^[\w.@:-]+$/, "letters, digits and . _ @ : - only"),
    roles: z.array(z.enum(["fan", "organizer"])).max(2).default([]),
  })
  .strict()
  .openapi("DevTokenRequest");

export const devRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/token",
      summary: "Local development only: a signed token for any user",
      middleware: [devOnly],
      request: { body: { content: { "application/json": { schema: TokenRequest } }, required: true } },
      responses: {
        200: { description: "a token", content: { "application/json": { schema: z.object({ token: z.string() }) } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { userId, roles } = c.req.valid("json");
      return c.json({ token: await signToken(c.env, { id: userId, roles }) }, 200);
    },
  );
