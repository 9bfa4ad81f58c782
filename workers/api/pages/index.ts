/**
 * The fan's web app: server-rendered pages (Hono JSX) with small scripts.
 * Search and event pages come from the same cached catalog reads as the API;
 * everything per fan is fetched by the page's script with the fan's token.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { ASSETS } from "./assets";
import { dashboardPage } from "./dashboard-page";
import { devMailPage } from "./dev-mail-page";
import { doorPage } from "./door-page";
import { eventPage } from "./event-page";
import { fanPages } from "./fan-pages";
import { languageRoute } from "./language";
import { opsPage } from "./ops-page";
import { organizerPage } from "./organizer-page";
import { searchPage } from "./search-page";

export const pages = new Hono<AppEnv>();

pages.get("/assets/:name{[a-z][a-z-]*\\.js}", (c) => {
  const code = ASSETS[c.req.param("name").replace(/\.js$/, "")];
  if (!code) throw new Problem(404, "no such asset");
  return c.body(code, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=31536000, immutable" });
});

pages.route("/", languageRoute);
pages.route("/", searchPage);
pages.route("/", eventPage);
pages.route("/", fanPages);
pages.route("/", organizerPage);
pages.route("/", dashboardPage);
pages.route("/", opsPage);
pages.route("/", devMailPage);
pages.route("/", doorPage);
