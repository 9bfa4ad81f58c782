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

export const bearer = [{ Bearer: [] }];
