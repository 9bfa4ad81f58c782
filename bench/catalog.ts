/**
 * Benchmark events, written straight into the catalog (as the seed does):
 * a venue of a template or of N seats, one performer, one event with one
 * price, and the options a section needs (per-fan limit, on-sale time).
 */
import { drizzle } from "drizzle-orm/neon-serverless";
import * as schema from "../src/shared/db-schema";
import { createPool } from "../src/shared/neon";
import type { SectionInput } from "../src/shared/seat-map";
import { venueTemplate, type VenueKind } from "../src/shared/venue-templates";
import type { LocalDatabase } from "../scripts/local/database";
import { createEvent, createPerformer, createVenue } from "../workers/api/catalog/writes";
import { DEMO_ORG } from "../workers/api/catalog/tenancy";

export interface BenchEvent {
  id: string;
  ticketCount: number;
}

export interface Catalog {
  createEvent(options: { venue: VenueKind | number; name?: string; perUserLimit?: number; onSaleAt?: string }): Promise<BenchEvent>;
  close(): Promise<void>;
}

export function openCatalog(database: LocalDatabase): Catalog {
  const pool = createPool(database.url, database.neon);
  const db = drizzle(pool, { schema });
  let performerId: string | undefined;
  return {
    async createEvent(options) {
      const sections: SectionInput[] = typeof options.venue === "number" ? [{ name: "Floor", capacity: options.venue }] : venueTemplate(options.venue);
      const kind = typeof options.venue === "number" ? `${options.venue}-seat hall` : options.venue;
      const where = { name: `Bench ${kind}`, city: "London", country: "GB", lat: 51.556, lng: -0.2796, timezone: "Europe/London" };
      // A template venue is made as organizers make one (with its stage or pitch); a hall is one GA floor.
      const venue = await createVenue(db, typeof options.venue === "number" ? { ...where, sections } : { ...where, template: options.venue }, { orgId: DEMO_ORG });
      performerId ??= (await createPerformer(db, { name: "The Benchmarks" }, DEMO_ORG)).id;
      return createEvent(
        db,
        {
          name: options.name ?? "Benchmark Night",
          type: "concert",
          startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          venueId: venue.id,
          performerId,
          prices: sections.map((s) => ({ section: s.name, priceCents: 9900 })),
          ...(options.perUserLimit ? { perUserLimit: options.perUserLimit } : {}),
          ...(options.onSaleAt ? { onSaleAt: options.onSaleAt } : {}),
        },
        { orgId: DEMO_ORG },
      );
    },
    close: () => pool.end().catch(() => {}),
  };
}
