import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations from the schema; they are
// append-only and applied by `npm run migrate` (and by dev and tests).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/shared/db-schema.ts",
  out: "./migrations",
});
