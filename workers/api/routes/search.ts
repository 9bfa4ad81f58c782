import { createRoute } from "@hono/zod-openapi";
import { SearchQuery, SearchResponse } from "../../../src/shared/catalog";
import { searchCacheKey, searchEvents } from "../catalog/search";
import { cachedJson } from "../edge-cache";
import { createApp } from "../openapi-app";
import { problemResponses } from "../problem";

export const search = createApp().openapi(
  createRoute({
    method: "get",
    path: "/search",
    operationId: "searchEvents",
    security: [],
    summary: "Search events",
    description:
      "Full-text search (websearch syntax, typo-tolerant) over event, performer, venue and city, with filters. Without parameters, upcoming events by date. Answers come from the edge cache.",
    request: { query: SearchQuery },
    responses: {
      200: { description: "a page of results", content: { "application/json": { schema: SearchResponse } } },
      ...problemResponses(400),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    return cachedJson(c, searchCacheKey(query), () => searchEvents(c.var.read(), query));
  },
);
