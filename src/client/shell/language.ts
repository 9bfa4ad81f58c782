/**
 * The page's language, as the server chose it for this request and wrote it
 * in `<html lang>` (workers/api/pages/language.ts): the scripts speak the
 * language of the page around them. Each part imports its own words from
 * src/shared/page-copy/ and indexes them with `pageLanguage()`.
 */
import { languageOf, type Language } from "../../shared/language";

let language: Language | undefined;

/** The language of this page (English on pages that are only in English). */
export function pageLanguage(): Language {
  return (language ??= languageOf(document.documentElement.lang));
}
