/** Where local state lives: DATA_DIR, or `.data/` in the project. */
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const DATA_DIR = path.resolve(process.env.DATA_DIR ?? path.join(PROJECT_ROOT, ".data"));
export const EMBEDDED_DB_DIR = path.join(DATA_DIR, "postgres");
