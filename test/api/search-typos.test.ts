/**
 * Typo tolerance as fans make typos: 200 generated one-letter typos (a letter
 * missing, one too many, two swapped, one wrong) of the words of five letters
 * or more in performer, venue and city names. Deterministic (fast-check with
 * a fixed seed); correctness only, the timing is bench/search.ts's job.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { LETTERS, makeTypo, TYPO_KINDS } from "../../scripts/seed/typos";
import { makeEvent, makePerformer, makeVenue, organizerToken, search } from "../helpers";

const SEED = 20261129;
const SYLLABLES = ["ra", "lo", "mi", "ven", "tor", "sa", "bel", "quin", "do", "mar", "li", "zan", "ket", "ro", "vi", "nel", "pha", "dru", "sol", "gam"];

/** Made-up but pronounceable names, so no other suite's data shares their words. */
const names = fc.sample(
  fc.array(fc.constantFrom(...SYLLABLES), { minLength: 3, maxLength: 4 }).map((s) => s.join("")),
  { seed: SEED, numRuns: 400 },
).filter((w, i, all) => w.length >= 5 && all.indexOf(w) === i);
const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

interface Listing {
  eventId: string;
  words: string[];
}
const listings: Listing[] = [];

beforeAll(async () => {
  const token = await organizerToken();
  for (let n = 0; n < 10; n++) {
    const [first, last, venue, city] = names.slice(n * 4, n * 4 + 4) as [string, string, string, string];
    const performerId = await makePerformer(token, `${capital(first)} ${capital(last)}`);
    const venueId = await makeVenue(token, { name: `${capital(venue)} Hall`, city: capital(city) });
    const { id } = await makeEvent(token, { name: `An evening ${n}`, performerId, venueId });
    listings.push({ eventId: id, words: [first, last, venue, city] });
  }
}, 60_000);

describe("typo tolerance", () => {
  it("finds the intended event on the first page for at least 95% of one-letter typos in names", async () => {
    const cases = fc.sample(
      fc.record({
        listing: fc.nat({ max: 9 }),
        which: fc.nat({ max: 3 }),
        kind: fc.constantFrom(...TYPO_KINDS),
        at: fc.nat({ max: 20 }),
        letter: fc.constantFrom(...LETTERS),
      }),
      { seed: SEED, numRuns: 200 },
    );
    const misses: string[] = [];
    for (const c of cases) {
      const listing = listings[c.listing] as Listing;
      const word = listing.words[c.which] as string;
      const typo = makeTypo(word, c.kind, c.at, c.letter);
      const { results } = await search({ term: typo });
      if (!results.some((r) => r.id === listing.eventId)) misses.push(`${word} → ${typo} (${c.kind})`);
    }
    expect(misses.length / cases.length, misses.join(", ")).toBeLessThanOrEqual(0.05);
  }, 120_000);

  it("corrects a misspelt word next to a correct one", async () => {
    const listing = listings[0] as Listing;
    const [first, , , city] = listing.words as [string, string, string, string];
    const { results } = await search({ term: `${makeTypo(first, "missing", 2, "a")} ${city}` });
    expect(results.map((r) => r.id)).toContain(listing.eventId);
  });

  it("pages through a corrected search without gaps or repeats", async () => {
    const token = await organizerToken();
    const word = names[41] as string;
    const performerId = await makePerformer(token, `The ${capital(word)} Band`);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await makeEvent(token, { performerId, startsAt: `2027-0${1 + i}-10T19:00:00Z` })).id);
    const typo = makeTypo(word, "swapped", 1, "a");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await search({ term: typo, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.results.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    const whole = (await search({ term: typo, limit: 50 })).results.map((r) => r.id);
    expect(seen).toEqual(whole);
    expect(whole).toEqual(expect.arrayContaining(created));
  });

  it("leaves phrases and exclusions to full text (no correction)", async () => {
    const listing = listings[1] as Listing;
    const [first] = listing.words as [string];
    const { results } = await search({ term: `"${makeTypo(first, "wrong", 1, "x")}"` });
    expect(results.map((r) => r.id)).not.toContain(listing.eventId);
  });
});
