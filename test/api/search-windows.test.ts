/**
 * Ranking in bounded windows (workers/api/catalog/search.ts): a term matching
 * more events than one window holds is ranked window by window, and paging
 * crosses from one window to the next without a gap or a repeat.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { WINDOW } from "../../workers/api/catalog/search";
import { makeEvent, makePerformer, makeVenue, organizerToken, search, word } from "../helpers";

const marker = word();
const created: { id: string; startsAt: string; strong: boolean }[] = [];

beforeAll(async () => {
  let token = "";
  let venueId = "";
  let performerId = "";
  for (let i = 0; i < WINDOW + 30; i++) {
    // An organizer may create 50 events a day: a new one every 40.
    if (i % 40 === 0) {
      token = await organizerToken();
      venueId = await makeVenue(token);
      performerId = await makePerformer(token);
    }
    // One event in seven names the term twice, so ranks differ inside a window.
    const strong = i % 7 === 0;
    const startsAt = new Date(Date.UTC(2027, 0, 1) + i * 3_600_000).toISOString();
    const name = strong ? `${marker} and ${marker}` : `${marker} ${i}`;
    const { id } = await makeEvent(token, { name, startsAt, venueId, performerId });
    created.push({ id, startsAt, strong });
  }
}, 120_000);

describe("ranking windows", () => {
  it("pages across windows without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ term: marker, limit: 45, ...(cursor ? { cursor } : {}) });
      expect(page.results.length).toBeLessThanOrEqual(45);
      seen.push(...page.results.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(created.length);
    expect(new Set(seen)).toEqual(new Set(created.map((e) => e.id)));
  });

  it("ranks the strongest matches of the first window first, and the next window after it", async () => {
    const inFirst = created.slice(0, WINDOW);
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ term: marker, limit: 100, ...(cursor ? { cursor } : {}) });
      ids.push(...page.results.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    const strongFirst = inFirst.filter((e) => e.strong).map((e) => e.id);
    expect(ids.slice(0, strongFirst.length)).toEqual(strongFirst);
    expect(new Set(ids.slice(0, WINDOW))).toEqual(new Set(inFirst.map((e) => e.id)));
    expect(ids.slice(WINDOW)).toEqual(expect.arrayContaining(created.slice(WINDOW).map((e) => e.id)));
  });

  it("pages through events timed to the microsecond without repeats, with and without a term", async () => {
    const token = await organizerToken();
    const micro = word();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await makeEvent(token, { name: `${micro} ${i}`, startsAt: `2031-02-0${1 + i}T10:00:00.123456Z` })).id);
    }
    const searches: Record<string, string>[] = [{ term: micro }, { from: "2031-02-01", to: "2031-02-03" }];
    for (const params of searches) {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 10; guard++) {
        const page = await search({ ...params, limit: 1, ...(cursor ? { cursor } : {}) });
        seen.push(...page.results.map((r) => r.id));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      expect(new Set(seen).size).toBe(seen.length);
    }
  });

  it("pages a corrected (typo) search across its windows without gaps or repeats", async () => {
    const name = "Quorvellinas";
    const ids: string[] = [];
    // Two organizers (50 events a day each), 35 events apiece: more than one corrected window.
    for (let batch = 0; batch < 2; batch++) {
      const token = await organizerToken();
      const performerId = await makePerformer(token, `${name} ${word(6)}`);
      const venueId = await makeVenue(token);
      for (let i = 0; i < 35; i++) {
        const startsAt = new Date(Date.UTC(2028, 0, 1) + (batch * 35 + i) * 3_600_000).toISOString();
        ids.push((await makeEvent(token, { performerId, venueId, startsAt })).id);
      }
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ term: "Quorvelinas", limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.results.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
  });
});
