/** @jsxImportSource hono/jsx */
/** `/`: the search page, from the same edge-cached search as the API. */
import { Hono } from "hono";
import { EVENT_TYPES, SearchQuery, type SearchResponse } from "../../../src/shared/catalog";
import { searchCacheKey, searchEvents } from "../catalog/search";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { SEARCH_COPY } from "../../../src/shared/page-copy/search";
import { pageLanguage } from "./language";
import { EventImage } from "./event-image";
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
  const lang = pageLanguage(c);
  const { language } = lang;
  const words = SEARCH_COPY[language];
  return c.html(
    <Layout title={words.title} env={c.env} page="search" lang={lang}>
      <h1>{words.title}</h1>
      <form id="search" class="search" role="search" method="get" action="/">
        <label>
          {words.what}
          <input type="search" name="term" value={params.term ?? ""} placeholder={words.whatPlaceholder} />
        </label>
        <label>
          {words.city}
          <input type="text" name="location" value={params.location ?? ""} placeholder={words.cityPlaceholder} autocomplete="address-level2" />
        </label>
        <label>
          {words.type}
          <select name="type">
            <option value="">{words.anyType}</option>
            {EVENT_TYPES.map((t) => (
              <option value={t} selected={params.type === t}>
                {words.eventTypes[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.from}
          <input type="date" name="from" value={params.from ?? ""} />
        </label>
        <label>
          {words.to}
          <input type="date" name="to" value={params.to ?? ""} />
        </label>
        <button type="submit">{words.search}</button>
        <button type="button" id="near-me" class="secondary" hidden>
          {words.nearMe}
        </button>
      </form>
      {!parsed.success && (
        <p class="error" role="alert">
          {words.invalidSearch({ issues: parsed.error.issues.map((i) => `${i.path.join(".") || "search"}: ${i.message}`).join("; ") })}
        </p>
      )}
      {found && (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{found.results.length ? (params.term ? words.resultsFor({ term: params.term }) : words.upcoming) : words.noMatch}</h2>
          <ol class="results">
            {found.results.map((r, i) => (
              <li class="with-image">
                <EventImage url={r.imageUrl} place="result" env={c.env} eager={i < 2} />
                <a href={`/events/${r.id}`}>
                  <strong>{r.name}</strong>
                </a>
                <span class="meta">
                  <time datetime={r.startsAt}>{when(r.startsAt, r.venue.timezone, language)}</time> · {r.venue.name}, {r.venue.city} · {words.eventTypes[r.type]}
                </span>
                <span>
                  {words.priceFrom({ price: money(r.minPriceCents, r.currency, language) })}
                  {r.available === 0 ? <span class="badge soldout">{words.soldOut}</span> : r.available <= 20 ? <span class="badge few">{words.onlyLeft({ count: r.available })}</span> : null}
                </span>
              </li>
            ))}
          </ol>
          {more && (
            <p>
              <a class="button secondary" href={more} rel="next">
                {words.moreResults}
              </a>
            </p>
          )}
        </section>
      )}
    </Layout>,
  );
});
