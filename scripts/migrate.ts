/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in DATA_DIR. */
import { EMBEDDED_DB_DIR } from "./local/config";
import { applyMigrations, openDatabase } from "./local/database";

const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: EMBEDDED_DB_DIR });
try {
  await applyMigrations(database);
  console.log("migrations applied");
} finally {
  await database.stop();
}
