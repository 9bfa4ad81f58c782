/**
 * axe-core in the browser journeys: the page under test gets axe's script
 * (from node_modules, no network) and is checked as it stands. Serious and
 * critical violations fail the test, named with the rule, the elements and
 * axe's help text; moderate and minor ones are left to reviews.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Checks the page's current state with axe: zero serious or critical violations. */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  if (!(await page.evaluate(`typeof window.axe !== "undefined"`))) await page.addScriptTag({ content: AXE });
  // Page code as text: this file is type-checked without the DOM's types.
  const violations = (await page.evaluate(`window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })) })))`)) as Violation[];
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(described, `accessibility of ${state}: ${described.join("; ")}`).toEqual([]);
}
