/**
 * The ticket-code functions as a page script (/assets/codes.js), defining
 * `window.TicketCodes`: the door page checks codes with the very
 * `checkTicketCode` the API and the tests use, and the fan's tickets page
 * makes rotating codes with the very `rotatingCode` (src/shared/ticket-codes.ts
 * keeps them self-contained for this). The source is taken from the
 * compiled functions with `toString()`, so it cannot drift from them.
 *
 * `__name` comes first: wrangler bundles with esbuild's keepNames, which
 * wraps functions in `__name(fn, "name")` calls that must mean nothing here.
 * A unit test (test/door/code-functions.test.ts) runs this string and checks
 * it against the originals.
 */
import { checkTicketCode, CODE_WINDOW_SECONDS, decodePass, MAX_CODE_AGE_SECONDS, rotatingCode } from "../../../../src/shared/ticket-codes";

export const CODES_JS = [
  "(() => {",
  "const __name = (f) => f;",
  `const decodePass = ${decodePass.toString()};`,
  `const checkTicketCode = ${checkTicketCode.toString()};`,
  `const rotatingCode = ${rotatingCode.toString()};`,
  `window.TicketCodes = { decodePass, checkTicketCode, rotatingCode, CODE_WINDOW_SECONDS: ${CODE_WINDOW_SECONDS}, MAX_CODE_AGE_SECONDS: ${MAX_CODE_AGE_SECONDS} };`,
  "})();",
  "",
].join("\n");
