/**
 * Typo correction and the catalog's word list under attack (issue #12):
 * correction must never turn an exclusion or a phrase into a wider search,
 * however the operator is written or whatever a cursor claims; renames keep
 * `search_words` current while bookings (`sold_count`) leave it alone; and
 * organizer-written names with SQL-looking text, LIKE wildcards,
 * backslashes, emoji and right-to-left scripts are found as text.
 */
import { describe, expect, it } from "vitest";
import { encodeCursor } from "../../workers/api/catalog/cursor";
import { query } from "../booking-helpers";
import { call, json, makeEvent, makePerformer, organizerToken, problem, search, word } from "../helpers";

/** One letter changed in the middle: an unknown word one edit from `w`. */
const typo = (w: string) => `${w.slice(0, 4)}${w[4] === "a" ? "e" : "a"}${w.slice(5)}`;
const inWords = async (words: string[]) =>
  (await query<{ word: string }>("select word from search_words where word = any($1)", [words])).map((r) => r.word).sort();

describe("typo correction never widens an exclusion or a phrase", () => {
  /** Two events sharing a marker; only the first carries `wanted`. */
  async function pair() {
    const token = await organizerToken();
    const [marker, wanted] = [word(), word()];
    const { id: carrying } = await makeEvent(token, { name: `${marker} ${wanted}` });
    const { id: other } = await makeEvent(token, { name: `${marker} plain` });
    return { marker, wanted, carrying, other };
  }

  it("an exclusion written right after an operator character is still an exclusion", async () => {
    const { marker, wanted, carrying, other } = await pair();
    // websearch_to_tsquery reads `(-word`, `&-word`, `|-word` … as NOT word, just like ` -word`.
    // Excluding a word no event has excludes nothing; "corrected", it became a requirement.
    for (const glue of ["(", "&", "|", "!", ")", "<"]) {
      const term = `${marker} ${glue}-${typo(wanted)}`;
      const ids = (await search({ term })).results.map((r) => r.id);
      expect(ids.sort(), term).toEqual([carrying, other].sort());
    }
  });

  it("a cursor claiming a corrected search does not correct a phrase or an exclusion", async () => {
    const { marker, wanted, carrying, other } = await pair();
    const cursor = encodeCursor({ r: 1e9, s: "2020-01-01T00:00:00.000Z", i: "a", f: 1 });
    const phrase = (await search({ term: `"${marker} ${typo(wanted)}"`, cursor })).results.map((r) => r.id);
    expect(phrase).not.toContain(carrying);
    const excluded = (await search({ term: `${marker} -${typo(wanted)}`, cursor })).results.map((r) => r.id);
    expect(excluded.sort()).toEqual([carrying, other].sort());
  });

  it("a plain term with a typo is still corrected (the guard above is not too wide)", async () => {
    const { marker, wanted, carrying } = await pair();
    expect((await search({ term: `${marker} ${typo(wanted)}` })).results.map((r) => r.id)).toEqual([carrying]);
  });
});

describe("the word list follows names, not bookings", () => {
  it("a renamed event is found by its new name, typo included", async () => {
    const token = await organizerToken();
    const { id } = await makeEvent(token, { name: `Show ${word()}` });
    const renamed = word();
    const res = await call("PATCH", `/api/events/${id}`, { token, body: { name: `The ${renamed} night` } });
    await json(res, 200);
    expect(await inWords([renamed])).toEqual([renamed]);
    expect((await search({ term: typo(renamed) })).results.map((r) => r.id)).toContain(id);
  });

  it("sold_count and other non-name updates add no words; a name change adds them", async () => {
    const token = await organizerToken();
    const [own, next] = [word(), word()];
    const { id } = await makeEvent(token, { name: `Gig ${own}` });
    await query("delete from search_words where word = $1", [own]);
    await query("update events set sold_count = sold_count + 1, updated_at = now() where id = $1", [id]);
    await query("update events set name = name, performer_name = performer_name where id = $1", [id]);
    expect(await inWords([own])).toEqual([]);
    await query("update events set name = $2 where id = $1", [id, `Gig ${own} ${next}`]);
    expect(await inWords([own, next])).toEqual([own, next].sort());
  });

  it("a bulk insert adds each new word through one statement-level trigger", async () => {
    const [trigger] = await query<{ def: string }>(
      "select pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = 'events'::regclass and tgname = 'events_search_words_insert'",
    );
    expect(trigger?.def).toMatch(/FOR EACH STATEMENT/);
    const [update] = await query<{ def: string }>(
      "select pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = 'events'::regclass and tgname = 'events_search_words_update'",
    );
    expect(update?.def).toMatch(/AFTER UPDATE OF name, performer_name, venue_name, city/);
    expect(update?.def).toMatch(/WHEN/);
  });
});

describe("hostile names are text", () => {
  const names = [
    "Robert'); DROP TABLE events;-- Trio",
    "100% Pure_Fun Band",
    "Back\\slash \\x00 Collective",
    "🎸 Emoji 🥁 Orchestra",
    "فرقة الصحراء",
    "להקת המדבר",
    "Ünïcødé Straße Ñandú",
    "$1 $$ :* <-> !&|() Ensemble",
  ];

  it("each is stored as written and found by its words", async () => {
    const token = await organizerToken();
    const marker = word();
    for (const name of names) {
      const performerId = await makePerformer(token, `${name} ${marker}`);
      const { id } = await makeEvent(token, { performerId, name: `${marker} ${name}`.slice(0, 200) });
      const page = await search({ term: `${marker} ${name}` });
      expect(page.results.map((r) => r.id), name).toContain(id);
      expect(page.results.find((r) => r.id === id)?.performer.name).toBe(`${name} ${marker}`);
    }
    const [count] = await query<{ n: number }>("select count(*)::int as n from events");
    expect(count?.n).toBeGreaterThan(0);
  });

  it("LIKE wildcards and a lone backslash match nothing special", async () => {
    for (const term of ["%", "_", "%%", "\\", "\\%", "'", "' or '1'='1"]) {
      const res = await call("GET", `/api/search?${new URLSearchParams({ term })}`);
      const body = await json<{ results: unknown[] }>(res, 200);
      expect(body.results.length, term).toBeLessThanOrEqual(20);
    }
  });

  it("right-to-left words are found with a typo too", async () => {
    const token = await organizerToken();
    const marker = word();
    const performerId = await makePerformer(token, `${marker} الصحراوية`);
    const { id } = await makeEvent(token, { performerId });
    // One letter dropped from the Arabic word (8 letters → 7): one edit.
    expect((await search({ term: `${marker} الصحراية` })).results.map((r) => r.id)).toContain(id);
  });

  it("a NUL in a name is refused at write, with a problem", async () => {
    const token = await organizerToken();
    const res = await call("POST", "/api/performers", { token, body: { name: "Nul\u0000Band" } });
    expect((await problem(res, 400)).detail).toBeTruthy();
  });
});
