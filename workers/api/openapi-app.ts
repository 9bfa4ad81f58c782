/**
 * The factory for the API's sub-apps: an OpenAPIHono whose request
 * validation failures become one problem+json 400 that names each field.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { validationProblem } from "./problem";

const TARGET_NAMES: Record<string, string> = {
  json: "request body",
  query: "query parameters",
  param: "path parameters",
  header: "headers",
};

export function createApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationProblem(result.error, TARGET_NAMES[result.target] ?? result.target);
    },
  });
}

/** The security of a route behind `requireUser`: a bearer token. A public route declares `security: []`. */
export const bearer = [{ Bearer: [] }];
/** A public route that also reads a token when one is sent (and answers 401 to a bad one): anonymous, or bearer. */
export const optionalBearer = [{}, ...bearer];

/** A required JSON request body of this schema. */
export const json = <T>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
