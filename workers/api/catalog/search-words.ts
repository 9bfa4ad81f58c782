/**
 * Typo correction for search terms, after Postgres's pg_trgm "Text Search
 * Integration": `search_words` holds every distinct word of the catalog's
 * event, performer, venue and city names (kept current by a trigger on
 * `events`, migrations/0010), trigram-indexed with GiST so the nearest words
 * of a term word come from one index walk (`word <-> term`, ordered by
 * trigram distance). The final pick is by edit distance (optimal string
 * alignment: a swap of two letters counts as one edit, as a fan's typo does;
 * fuzzystrmatch's levenshtein would count it as two), computed here over a
 * few dozen candidates.
 *
 * A term word the catalog knows is never corrected: a real word is what the
 * fan meant, and expanding it would flood a precise search with neighbours.
 */
import { sql } from "drizzle-orm";
import type { ReadDatabase } from "../../../src/shared/database";

/** Trigram neighbours fetched per word: a swap in a short word keeps few trigrams, so look further than the first few. */
const NEIGHBOURS = 48;
/** Shorter words have too many near neighbours to correct safely. */
const MIN_WORD = 4;
/** Alternatives kept per corrected word, nearest first. */
const MAX_ALTERNATIVES = 3;

/** The words of a term as the `simple` text search parser sees plain words: letters and digits. */
export function termWords(term: string): string[] {
  return (term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 16);
}

/**
 * For each word of `term`, the words to search for instead (the word itself
 * first): unknown words of at least MIN_WORD letters get their nearest
 * catalog words within one edit (two for words of eight letters or more).
 * Undefined when no word changed, so the exact search stands.
 */
export async function correctTerm(db: ReadDatabase, term: string): Promise<string[][] | undefined> {
  const words = termWords(term);
  const targets = [...new Set(words.filter((w) => w.length >= MIN_WORD && !/^\p{N}+$/u.test(w)))];
  if (targets.length === 0) return undefined;
  const { rows } = await db.execute<{ target: string; word: string }>(sql`
    select t.target, n.word
    from (values ${sql.join(targets.map((t) => sql`(${t}::text)`), sql`, `)}) t(target)
    cross join lateral (
      select w.word from search_words w order by w.word <-> t.target limit ${NEIGHBOURS}
    ) n`);
  const neighbours = new Map<string, string[]>();
  for (const row of rows) neighbours.set(row.target, [...(neighbours.get(row.target) ?? []), row.word]);

  let changed = false;
  const corrected = words.map((word) => {
    const candidates = neighbours.get(word);
    if (!candidates || candidates.includes(word)) return [word];
    const limit = word.length >= 8 ? 2 : 1;
    let best = limit;
    let picks: string[] = [];
    for (const candidate of candidates) {
      if (!/^[\p{L}\p{N}]+$/u.test(candidate)) continue;
      const d = editDistance(word, candidate, limit + 1);
      if (d > best) continue;
      if (d < best || picks.length === 0) [best, picks] = [d, [candidate]];
      else if (picks.length < MAX_ALTERNATIVES) picks.push(candidate);
    }
    if (picks.length === 0) return [word];
    changed = true;
    return [word, ...picks];
  });
  return changed ? corrected : undefined;
}

/** A `to_tsquery` text: every word must match, as any of its alternatives. */
export function alternativesQuery(words: string[][]): string {
  return words.map((alts) => (alts.length === 1 ? alts[0] : `(${alts.join(" | ")})`)).join(" & ");
}

/**
 * Optimal string alignment distance (insert, delete, substitute, swap two
 * neighbours), or `cap` as soon as the answer is known to be at least `cap`.
 */
export function editDistance(a: string, b: string, cap = Infinity): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let smallest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const above = rows[i - 1] as number[];
      let d = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(d);
      smallest = Math.min(smallest, d);
    }
    if (smallest >= cap) return cap;
    rows.push(row);
  }
  return Math.min((rows[a.length] as number[])[b.length] as number, cap);
}
