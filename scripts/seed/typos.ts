/**
 * Generated one-letter typos, for typo-recall checks (test/api and
 * bench/search.ts): a letter missing, one too many, two neighbours swapped,
 * or one wrong. Deterministic for a seed.
 */
import { prng } from "../../src/shared/prng";

export type TypoKind = "missing" | "extra" | "swapped" | "wrong";
export const TYPO_KINDS: TypoKind[] = ["missing", "extra", "swapped", "wrong"];

export interface TypoCase {
  word: string;
  typo: string;
  kind: TypoKind;
}

export const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** `count` cases over `words` (lower-case, five letters or more), the kinds in turn. */
export function typoCases(words: readonly string[], count: number, seed: number): TypoCase[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const usable = words.filter((w) => w.length >= 5);
  const cases: TypoCase[] = [];
  for (let n = 0; usable.length > 0 && cases.length < count; n++) {
    const word = usable[int(usable.length)] as string;
    const kind = TYPO_KINDS[n % TYPO_KINDS.length] as TypoKind;
    const typo = makeTypo(word, kind, int(word.length), LETTERS[int(LETTERS.length)] as string);
    if (typo !== word) cases.push({ word, typo, kind });
  }
  return cases;
}

/** `word` with one typo of `kind` at position `at` (modulo its length); `letter` is the one added or put in. */
export function makeTypo(word: string, kind: TypoKind, at: number, letter: string): string {
  const i = at % word.length;
  switch (kind) {
    case "missing":
      return word.slice(0, i) + word.slice(i + 1);
    case "extra":
      return word.slice(0, i) + letter + word.slice(i);
    case "swapped": {
      const j = Math.min(i, word.length - 2);
      return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2);
    }
    case "wrong": {
      const other = letter === word[i] ? LETTERS[(LETTERS.indexOf(letter) + 1) % LETTERS.length] : letter;
      return word.slice(0, i) + other + word.slice(i + 1);
    }
  }
}
