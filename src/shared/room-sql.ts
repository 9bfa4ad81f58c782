/** Small helpers over a Durable Object's SQLite, shared by the rooms. */

/** Whether the room's SQLite has a table of this name (a room makes its tables only once it knows its event). */
export function hasTable(sql: SqlStorage, name: string): boolean {
  return sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", name).toArray().length > 0;
}
