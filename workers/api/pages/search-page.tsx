/** @jsxImportSource hono/jsx */
/** `/`: the search page, from the same edge-cached search as the API. */
import { Hono } from "hono";
import { EVENT_TYPES, SearchQuery, type SearchResponse } from "../../../src/shared/catalog";
import { searchCacheKey, searchEvents } from "../catalog/search";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { Layout, money, when } from "./layout";

export const searchPage = new Hono<AppEnv>();

searchPage.get("/", async (c) => {
  const params = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ""));
  const parsed = SearchQuery.safeParse(params);
  const q = parsed.success ? parsed.data : {};
  let found: SearchResponse | undefined;
  if (parsed.success) {
    found = JSON.parse((await cachedText(c, searchCacheKey(q), () => searchEvents(c.var.read(), q))).body) as SearchResponse;
  }
  const more = found?.nextCursor ? `/?${new URLSearchParams({ ...params, cursor: found.nextCursor })}` : undefined;
  c.status(parsed.success ? 200 : 400);
  return c.html(
    <Layout title="Find events" env={c.env} page="search">
      <h1>Find events</h1>
      <form id="search" class="search" role="search" method="get" action="/">
        <label>
          What
          <input type="search" name="term" value={params.term ?? ""} placeholder="Artist, team, show, venue" />
        </label>
        <label>
          City
          <input type="text" name="location" value={params.location ?? ""} placeholder="e.g. London" autocomplete="address-level2" />
        </label>
        <label>
          Type
          <select name="type">
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option value={t} selected={params.type === t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" value={params.from ?? ""} />
        </label>
        <label>
          To
          <input type="date" name="to" value={params.to ?? ""} />
        </label>
        <button type="submit">Search</button>
        <button type="button" id="near-me" class="secondary" hidden>
          Near me
        </button>
      </form>
      {!parsed.success && (
        <p class="error" role="alert">
          {parsed.error.issues.map((i) => `${i.path.join(".") || "search"}: ${i.message}`).join("; ")}
        </p>
      )}
      {found && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{found.results.length ? (params.term ? `Results for “${params.term}”` : "Upcoming events") : "No events match"}</h2>
          <ol class="results">
            {found.results.map((r) => (
              <li>
                <a href={`/events/${r.id}`}>
                  <strong>{r.name}</strong>
                </a>
                <span class="meta">
                  <time datetime={r.startsAt}>{when(r.startsAt, r.venue.timezone)}</time> · {r.venue.name}, {r.venue.city} · {r.type}
                </span>
                <span>
                  From {money(r.minPriceCents)}
                  {r.available === 0 ? <span class="badge soldout">Sold out</span> : r.available <= 20 ? <span class="badge few">Only {r.available} left</span> : null}
                </span>
              </li>
            ))}
          </ol>
          {more && (
            <p>
              <a class="button secondary" href={more} rel="next">
                More results
              </a>
            </p>
          )}
        </section>
      )}
    </Layout>,
  );
});
