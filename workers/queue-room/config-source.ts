/** What a QueueRoom reads from Postgres when it first wakes: its event's queue settings and on-sale time. */
import { createPool } from "../../src/shared/neon";
import type { QueueSettings } from "../../src/shared/queue";

export async function fetchQueueConfig(env: Env, eventId: string): Promise<{ queue: QueueSettings; onSaleAt: number | null } | undefined> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const row = (await pool.query<{ queue: QueueSettings; on_sale_at: Date | null }>("select queue, on_sale_at from events where id = $1", [eventId])).rows[0];
    return row ? { queue: row.queue, onSaleAt: row.on_sale_at ? new Date(row.on_sale_at).getTime() : null } : undefined;
  } finally {
    await pool.end();
  }
}
