/**
 * `npm run lint:openapi`, first half: writes the OpenAPI document as a
 * deployment serves it, built from the app itself (the route modules load in
 * Node, no Worker needed), to dist/openapi/ for `redocly lint` (redocly.yaml
 * names the files). Both variants: as production serves it, and with the dev
 * routes that DEV_AUTH=1 adds.
 *
 *   npx tsx scripts/openapi.ts [outdir]
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { openApiDocument } from "../workers/api/app";

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../dist/openapi"));
const variants = [
  { file: "openapi.json", env: { DEV_AUTH: undefined } },
  { file: "openapi.dev.json", env: { DEV_AUTH: "1" } },
];

await mkdir(dir, { recursive: true });
for (const { file, env } of variants) {
  await writeFile(path.join(dir, file), `${JSON.stringify(openApiDocument(env), null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, file))}`);
}
