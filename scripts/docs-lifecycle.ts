/**
 * `npm run docs:lifecycle`: writes the booking lifecycle's transition table
 * (src/lifecycle/transitions.ts) into docs/reliability.md, between its
 * markers. A unit test fails when the page and the table disagree.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { transitionsMarkdown } from "../src/lifecycle/transitions";

const file = path.resolve(import.meta.dirname, "../docs/reliability.md");
const START = "<!-- transitions:start (npm run docs:lifecycle) -->";
const END = "<!-- transitions:end -->";

const doc = await readFile(file, "utf8");
const from = doc.indexOf(START);
const to = doc.indexOf(END);
if (from < 0 || to < from) throw new Error(`${file} has no ${START} … ${END} markers`);
await writeFile(file, `${doc.slice(0, from + START.length)}\n${transitionsMarkdown()}\n${doc.slice(to)}`);
console.log(`transition table written to ${path.relative(process.cwd(), file)}`);
