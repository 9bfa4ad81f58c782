/**
 * Bulk events for benchmarks (`npm run seed -- --events 1000000`). A million
 * events cannot go one API call at a time, so each batch is generated inside
 * Postgres with generate_series: events in small pop-up venues (20 standing
 * places each, so the ticket table stays in the tens of millions, not
 * billions), with names drawn from the demo performers so search has
 * realistic words to find.
 */
import { sql } from "drizzle-orm";
import { EVENT_TYPES } from "../../src/shared/catalog";
import { createVenue } from "../../workers/api/catalog/writes";
import { DEMO_ORG } from "../../workers/api/catalog/tenancy";
import type { Database } from "../../src/shared/database";
import { CITIES } from "./cities";
import type { SeedProgress } from "./demo-catalog";

const BATCH = 5_000;
const POP_UP_PLACES = 20;

export async function seedBulkEvents(db: Database, count: number, progress?: SeedProgress): Promise<void> {
  const venueIds: string[] = [];
  for (const city of CITIES) {
    const { id } = await createVenue(db, {
      name: `${city.name} Pop-up Stage`,
      city: city.name,
      country: city.country,
      lat: city.lat,
      lng: city.lng,
      timezone: city.timezone,
      sections: [{ name: "Standing", capacity: POP_UP_PLACES }],
    }, { orgId: DEMO_ORG });
    venueIds.push(id);
  }
  // Each ticket row's foreign key check looks its event up again: 20 per
  // event, twice the work of the rest of the load. The rows reference events
  // inserted in the same transaction, so where the role may (a superuser:
  // local Postgres, not Neon) the check is skipped for the ticket insert, as
  // Postgres's "Populating a Database" advises dropping foreign keys for a
  // bulk load.
  const [{ superuser } = { superuser: false }] = (
    await db.execute<{ superuser: boolean }>(sql`select current_setting('is_superuser') = 'on' as superuser`)
  ).rows;
  const [{ start } = { start: 0 }] = (
    await db.execute<{ start: number }>(sql`select count(*)::int as start from events where id like 'ev_bulk%'`)
  ).rows;

  for (let done = 0; done < count; done += BATCH) {
    const from = start + done;
    const to = start + Math.min(count, done + BATCH) - 1;
    await db.transaction(async (tx) => {
      await tx.execute(sql`
        with p as (select array_agg(id order by id) ids, array_agg(name order by id) names from performers),
             v as (select array_agg(id order by id) ids, array_agg(name order by id) names, array_agg(city order by id) cities
                   from venues where id in ${venueIds})
        insert into events (id, org_id, name, description, type, starts_at, venue_id, performer_id, on_sale_at,
                            ticket_count, min_price_cents, max_price_cents, performer_name, venue_name, city, search_text)
        select 'ev_bulk' || lpad(i::text, 10, '0'), ${DEMO_ORG},
               p.names[1 + i % cardinality(p.ids)] || ' ' || (array['Live', 'Tour', 'Night', 'Session', 'Special'])[1 + i % 5],
               'A bulk benchmark event.',
               (string_to_array(${EVENT_TYPES.join(",")}, ','))[1 + i % ${EVENT_TYPES.length}],
               now() + (1 + i % 730) * interval '1 day' + (i % 97) * interval '1 minute',
               v.ids[1 + i % cardinality(v.ids)],
               p.ids[1 + i % cardinality(p.ids)],
               now() - interval '1 day',
               ${POP_UP_PLACES}, 1500 + (i % 50) * 100, 1500 + (i % 50) * 100,
               p.names[1 + i % cardinality(p.ids)], v.names[1 + i % cardinality(v.ids)], v.cities[1 + i % cardinality(v.ids)],
               lower(p.names[1 + i % cardinality(p.ids)] || ' ' || v.names[1 + i % cardinality(v.ids)] || ' ' || v.cities[1 + i % cardinality(v.ids)])
        from generate_series(${from}::int, ${to}::int) i, p, v`);
      if (superuser) await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`
        insert into tickets (event_id, seat_index, section, row, seat, price_cents)
        select e.id, g, 'Standing', null, null, e.min_price_cents
        from events e, generate_series(0, e.ticket_count - 1) g
        where e.id between ${`ev_bulk${String(from).padStart(10, "0")}`} and ${`ev_bulk${String(to).padStart(10, "0")}`}`);
    });
    progress?.(Math.min(count, done + BATCH), count);
  }
}
