/**
 * A demanding fan pages through search results (issue #12's window cursors):
 * every matching event exactly once, across windows, with events sharing a
 * start time, and while organizers create and cancel events between two
 * page requests (no crash, no repeat of an event already shown). Filters and
 * cancellation hold on every page.
 *
 * Catalogs larger than one ranking window are inserted in one statement,
 * copying an event made through the API (the organizer quota allows 50 a
 * day); the insert trigger keeps `search_words` as it would for the seed.
 */
import { describe, expect, it } from "vitest";
import { WINDOW } from "../../workers/api/catalog/search";
import { query } from "../booking-helpers";
import { makeEvent, makePerformer, makeVenue, organizerToken, search, word } from "../helpers";

/** Copies of `templateId`, one per entry: its name and start. Returns their ids in order. */
async function copies(templateId: string, rows: { name: string; startsAt: string }[]): Promise<string[]> {
  const ids = rows.map(() => `ev_${word(16)}`);
  await query(
    `insert into events (id, org_id, name, type, starts_at, venue_id, performer_id, ticket_count, min_price_cents, max_price_cents,
                         performer_name, venue_name, city, search_text)
     select n.id, t.org_id, n.name, t.type, n.starts_at, t.venue_id, t.performer_id, t.ticket_count, t.min_price_cents, t.max_price_cents,
            t.performer_name, t.venue_name, t.city, t.search_text
     from events t, unnest($2::text[], $3::text[], $4::timestamptz[]) n(id, name, starts_at)
     where t.id = $1`,
    [templateId, ids, rows.map((r) => r.name), rows.map((r) => r.startsAt)],
  );
  return ids;
}

/** Every page of a search, followed by cursor; `between` runs before each later page. */
async function allPages(params: Record<string, string | number>, between?: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    if (page > 0 && between) await between(page);
    const body = await search({ ...params, ...(cursor ? { cursor } : {}) });
    seen.push(...body.results.map((r) => r.id));
    cursor = body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error("more than 200 pages");
}

const hour = (base: number, i: number) => new Date(base + i * 3_600_000).toISOString();
const repeats = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe("paging through every result", () => {
  it("shows each of events sharing one start time exactly once, with a term and by date", async () => {
    const token = await organizerToken();
    const marker = word();
    // Milliseconds: the API keeps a start time through JavaScript's Date.
    const at = "2033-03-03T03:03:03.333Z";
    const { id } = await makeEvent(token, { name: `${marker} first`, startsAt: at });
    const ids = [id, ...(await copies(id, Array.from({ length: 24 }, (_, i) => ({ name: i % 5 ? `${marker} ${i}` : `${marker} ${marker}`, startsAt: at }))))];
    const byTerm = await allPages({ term: marker, limit: 7 });
    expect(repeats(byTerm)).toEqual([]);
    expect([...byTerm].sort()).toEqual([...ids].sort());
    const byDate = (await allPages({ from: at, to: at, limit: 4 })).filter((e) => ids.includes(e));
    expect(repeats(byDate)).toEqual([]);
    expect([...byDate].sort()).toEqual([...ids].sort());
  });

  it("crosses windows without a gap or a repeat, whatever the page size", async () => {
    const token = await organizerToken();
    const marker = word();
    const base = Date.UTC(2034, 0, 1);
    const { id } = await makeEvent(token, { name: `${marker} 0`, startsAt: hour(base, 0) });
    const rows = Array.from({ length: 2 * WINDOW + 17 }, (_, i) => ({ name: i % 9 === 0 ? `${marker} ${marker} ${i}` : `${marker} ${i}`, startsAt: hour(base, i + 1) }));
    const ids = [id, ...(await copies(id, rows))];
    for (const limit of [3, 13, 100]) {
      const seen = await allPages({ term: marker, limit });
      expect(repeats(seen), `limit ${limit}`).toEqual([]);
      expect(seen.length, `limit ${limit}`).toBe(ids.length);
    }
  }, 20_000);
});

describe("the catalog changing between two page requests", () => {
  /**
   * One window of WINDOW matches and a few more after it; the last event of
   * the first window names the term most often, so the first page shows it.
   */
  async function strongLastInWindow() {
    const token = await organizerToken();
    const marker = word();
    const base = Date.UTC(2035, 0, 1);
    const { id } = await makeEvent(token, { name: `${marker} 0`, startsAt: hour(base, 10) });
    const rows = Array.from({ length: WINDOW + 9 }, (_, i) => ({
      name: i === WINDOW - 2 ? `${marker} ${marker} ${marker}` : `${marker} ${i + 1}`,
      startsAt: hour(base, 11 + i),
    }));
    const ids = [id, ...(await copies(id, rows))];
    return { token, marker, base, ids, strongest: ids[WINDOW - 1] as string };
  }

  it("an event created before the window's end does not bring back one already shown", async () => {
    const { token, marker, base, ids, strongest } = await strongLastInWindow();
    const first = await search({ term: marker, limit: 5 });
    expect(first.results[0]?.id).toBe(strongest);
    // A new match earlier than every other one pushes the window's last event out of it.
    const { id: late } = await makeEvent(token, { name: `${marker} new`, startsAt: hour(base, 1) });
    const rest = await allPages({ term: marker, limit: 5, cursor: first.nextCursor ?? "" });
    const seen = [...first.results.map((r) => r.id), ...rest];
    expect(repeats(seen)).toEqual([]);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(late).toBeDefined();
  });

  it("an event cancelled between pages is not shown afterwards and nothing repeats or goes missing", async () => {
    const { marker, ids } = await strongLastInWindow();
    const first = await search({ term: marker, limit: 5 });
    const shown = new Set(first.results.map((r) => r.id));
    const victims = ids.filter((e) => !shown.has(e)).slice(3, 6);
    await query("update events set status = 'cancelled' where id = any($1)", [victims]);
    const rest = await allPages({ term: marker, limit: 5, cursor: first.nextCursor ?? "" });
    const seen = [...shown, ...rest];
    expect(repeats(seen)).toEqual([]);
    expect(rest.filter((e) => victims.includes(e))).toEqual([]);
    expect([...seen].sort()).toEqual(ids.filter((e) => !victims.includes(e)).sort());
  });

  it("browsing by date: events created and cancelled between pages cause no repeat", async () => {
    const token = await organizerToken();
    const venueId = await makeVenue(token, { city: `Town${word(6)}` });
    const performerId = await makePerformer(token);
    const base = Date.UTC(2036, 5, 1);
    const made: string[] = [];
    for (let i = 0; i < 6; i++) made.push((await makeEvent(token, { venueId, performerId, startsAt: hour(base, i * 2) })).id);
    const params = { from: hour(base, 0), to: hour(base, 40), limit: 2 };
    const seen = await allPages(params, async (page) => {
      if (page === 1) await makeEvent(token, { venueId, performerId, startsAt: hour(base, 1) });
      if (page === 2) await query("update events set status = 'cancelled' where id = $1", [made[5]]);
    });
    expect(repeats(seen)).toEqual([]);
    expect(seen).toEqual(expect.arrayContaining(made.slice(0, 5)));
    expect(seen).not.toContain(made[5]);
  });
});

describe("filters hold on every page", () => {
  it("type, city, radius, dates and cancellation", async () => {
    const token = await organizerToken();
    const marker = word();
    const here = await makeVenue(token, { city: `Here${word(5)}`, lat: 10, lng: 10, timezone: "Etc/UTC" });
    const far = await makeVenue(token, { city: `Far${word(5)}`, lat: 30, lng: 30, timezone: "Etc/UTC" });
    const performerId = await makePerformer(token);
    const made: { id: string; venue: string; type: string; startsAt: string; cancelled: boolean }[] = [];
    const types = ["concert", "comedy", "sports"];
    for (let i = 0; i < 18; i++) {
      const venue = i % 2 ? here : far;
      const type = types[i % 3] as string;
      const startsAt = `2037-0${1 + (i % 6)}-15T12:00:00Z`;
      const { id } = await makeEvent(token, { name: `${marker} ${i}`, venueId: venue, performerId, type, startsAt });
      made.push({ id, venue, type, startsAt, cancelled: i % 4 === 0 });
    }
    await query("update events set status = 'cancelled' where id = any($1)", [made.filter((m) => m.cancelled).map((m) => m.id)]);
    const expectOnly = async (params: Record<string, string | number>, keep: (m: (typeof made)[number]) => boolean) => {
      const seen = await allPages({ term: marker, limit: 2, ...params });
      expect(repeats(seen)).toEqual([]);
      expect([...seen].sort(), JSON.stringify(params)).toEqual(made.filter(keep).map((m) => m.id).sort());
    };
    await expectOnly({}, (m) => !m.cancelled);
    await expectOnly({ includeCancelled: "true" }, () => true);
    await expectOnly({ type: "comedy,sports" }, (m) => !m.cancelled && m.type !== "concert");
    await expectOnly({ lat: 10, lng: 10, radiusKm: 100 }, (m) => !m.cancelled && m.venue === here);
    await expectOnly({ from: "2037-02-01", to: "2037-03-31" }, (m) => !m.cancelled && m.startsAt >= "2037-02" && m.startsAt < "2037-04");
    await expectOnly({ date: "2037-04-15", includeCancelled: "true" }, (m) => m.startsAt.startsWith("2037-04-15"));
  }, 20_000);
});
