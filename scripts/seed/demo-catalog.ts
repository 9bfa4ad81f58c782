/**
 * The demo catalog: venues in real cities, performers and a year of events of
 * every type, including one stadium event (60,000 seats) and small club
 * events (84 places). Deterministic for a given seed, so two machines get the
 * same catalog. Everything is written through the API's own catalog code.
 * Pictures need no seeding: an event without an uploaded image shows its
 * type's generated art (src/shared/event-art.ts), made by the Worker on
 * request, so every demo event has one (why not R2 objects: docs/images.md).
 */
import type { EventCreate, EventType } from "../../src/shared/catalog";
import { venueTemplate, type VenueKind } from "../../src/shared/venue-templates";
import type { Database } from "../../src/shared/database";
import { createEvent, createPerformer, createVenue } from "../../workers/api/catalog/writes";
import { DEMO_ORG } from "../../workers/api/catalog/tenancy";
import { prng } from "../../src/shared/prng";
import { CITIES, type City } from "./cities";

export const DEMO_EVENT_COUNT = 2_000;


const ADJECTIVES = ["Velvet", "Neon", "Electric", "Silver", "Midnight", "Golden", "Crimson", "Wild", "Lunar", "Paper", "Glass", "Northern", "Hollow", "Bright", "Static", "Cosmic"];
const NOUNS = ["Owls", "Harbor", "Pines", "Tigers", "Satellites", "Foxes", "Echoes", "Rivers", "Lanterns", "Comets", "Wolves", "Kites", "Ghosts", "Anchors", "Parade", "Orchard"];
const FIRST = ["Aurora", "Miles", "Nina", "Theo", "Lena", "Oscar", "Maya", "Felix", "Iris", "Jonah", "Zara", "Hugo", "Clara", "Leo", "Ruby", "Sami"];
const LAST = ["Vale", "Rivers", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Castillo", "Novak", "Bianchi", "Hart", "Kowalski", "Fontaine", "Reyes", "Sato", "Ward", "Quinn"];
const GENRES = ["rock", "pop", "jazz", "electronic", "indie", "hip hop", "classical", "folk", "soul", "metal"];
const PLAYS = ["Hamlet", "Macbeth", "The Tempest", "A Doll's House", "The Seagull", "Pygmalion", "Twelfth Night", "Death of a Salesman", "The Cherry Orchard", "Much Ado About Nothing", "Les Misérables", "Cabaret"];
const MASCOTS = ["Lions", "Falcons", "Bears", "Sharks", "Rangers", "Royals", "Comets", "Stallions"];
const FAMILY_SHOWS = ["Circus Fantasia", "Dinosaur Discovery Live", "The Magic Lantern Show", "Ice Dreams", "Puppet Parade", "Science Spectacular"];
const TOPICS = ["Cloud", "Design", "Data", "Security", "Product", "Climate", "Robotics", "Health Tech"];

const KIND_FOR_TYPE: Record<EventType, VenueKind[]> = {
  concert: ["club", "club", "theater", "arena"],
  sports: ["arena"],
  theater: ["theater"],
  comedy: ["club", "theater"],
  family: ["theater", "arena"],
  festival: ["arena"],
  conference: ["theater"],
};
const TYPES = Object.keys(KIND_FOR_TYPE) as EventType[];
const BASE_PRICE: Record<EventType, number> = {
  concert: 4500,
  sports: 3500,
  theater: 5500,
  comedy: 2500,
  family: 2000,
  festival: 8000,
  conference: 15000,
};

interface Performer {
  id: string;
  name: string;
}

export interface SeedProgress {
  (done: number, total: number): void;
}

export async function seedDemoCatalog(db: Database, options: { seed?: number; events?: number; progress?: SeedProgress } = {}) {
  const random = prng(options.seed ?? 20261128);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const total = options.events ?? DEMO_EVENT_COUNT;

  const venues = new Map<string, { id: string; kind: VenueKind; city: City }[]>();
  for (const city of CITIES) {
    const list = [];
    for (const kind of ["club", "theater", "arena"] as const) {
      const name = venueName(kind, city, pick);
      const { id } = await createVenue(db, { ...cityFields(city), name, template: kind }, { orgId: DEMO_ORG });
      list.push({ id, kind, city });
    }
    venues.set(city.name, list);
  }

  const performers = new Map<EventType, Performer[]>();
  for (const type of TYPES) {
    const list: Performer[] = [];
    for (let i = 0; i < 36; i++) {
      const { name, genre } = performerName(type, i, pick);
      list.push({ ...(await createPerformer(db, { name, genre }, DEMO_ORG)), name });
    }
    performers.set(type, list);
  }

  // The stadium show and the first event keep their places whatever the seed.
  const london = CITIES[0] as City;
  const stadium = await createVenue(db, {
    ...cityFields(london),
    name: "Wembley Stadium",
    lat: 51.556,
    lng: -0.2796,
    template: "stadium",
  }, { orgId: DEMO_ORG });
  const headliner = (performers.get("concert") ?? [])[0] as Performer;
  const now = Date.now();
  await createEvent(db, {
    name: `${headliner.name}: The Stadium Tour`,
    description: "The biggest night of the year: a stadium show in the round.",
    type: "concert",
    startsAt: localEvening(now + 45 * 86_400_000, london.timezone, 19),
    venueId: stadium.id,
    performerId: headliner.id,
    onSaleAt: new Date(now - 3_600_000).toISOString(),
    prices: venueTemplate("stadium").map((s, i) => ({ section: s.name, priceCents: 8900 + (i % 4) * 3000 })),
  }, { orgId: DEMO_ORG });
  options.progress?.(1, total);

  for (let i = 1; i < total; i++) {
    const type = TYPES[i % TYPES.length] as EventType;
    const city = CITIES[Math.floor(random() * CITIES.length)] as City;
    const kind = pick(KIND_FOR_TYPE[type]);
    const venue = (venues.get(city.name) ?? []).find((v) => v.kind === kind);
    const performer = pick(performers.get(type) ?? []);
    if (!venue) continue;
    const day = 1 + Math.floor(random() * 364);
    const input: EventCreate = {
      name: eventName(type, performer.name, city, pick),
      description: `${performer.name} in ${city.name}.`,
      type,
      startsAt: localEvening(now + day * 86_400_000, city.timezone, type === "family" ? 14 : 19),
      venueId: venue.id,
      performerId: performer.id,
      onSaleAt: new Date(now - 7 * 86_400_000).toISOString(),
      prices: venueTemplate(kind).map((s, n) => ({
        section: s.name,
        priceCents: Math.round((BASE_PRICE[type] * (1 + 0.25 * (n % 3)) * (0.8 + random() * 0.4)) / 100) * 100,
      })),
    };
    await createEvent(db, input, { orgId: DEMO_ORG });
    options.progress?.(i + 1, total);
  }
}

const cityFields = (city: City) => ({
  city: city.name,
  country: city.country,
  lat: city.lat,
  lng: city.lng,
  timezone: city.timezone,
});

function venueName(kind: VenueKind, city: City, pick: <T>(l: readonly T[]) => T): string {
  if (kind === "club") return `The ${pick(NOUNS).replace(/s$/, "")} Room`;
  if (kind === "theater") return `${city.name} ${pick(["Royal", "Grand", "Playhouse", "Civic"])} Theatre`;
  return `${city.name} Arena`;
}

function performerName(type: EventType, i: number, pick: <T>(l: readonly T[]) => T): { name: string; genre: string } {
  switch (type) {
    case "concert":
      return { name: i % 2 ? `The ${pick(ADJECTIVES)} ${pick(NOUNS)}` : `${pick(FIRST)} ${pick(LAST)}`, genre: pick(GENRES) };
    case "sports":
      return { name: `${(CITIES[i % CITIES.length] as City).name} ${pick(MASCOTS)}`, genre: pick(["basketball", "ice hockey", "volleyball", "handball"]) };
    case "theater":
      return { name: `${pick(ADJECTIVES)} ${pick(["Repertory", "Players", "Stage Company", "Ensemble"])}`, genre: "drama" };
    case "comedy":
      return { name: `${pick(FIRST)} ${pick(LAST)}`, genre: "stand-up" };
    case "family":
      return { name: pick(FAMILY_SHOWS), genre: "family" };
    case "festival":
      return { name: `${pick(ADJECTIVES)} ${pick(["Sound", "Beats", "Folk", "Jazz"])} Collective`, genre: pick(GENRES) };
    case "conference":
      return { name: `${pick(TOPICS)} Forum`, genre: "technology" };
  }
}

function eventName(type: EventType, performer: string, city: City, pick: <T>(l: readonly T[]) => T): string {
  switch (type) {
    case "concert":
      return `${performer} Live`;
    case "sports":
      return `${performer} vs ${city.name} ${pick(MASCOTS)}`;
    case "theater":
      return `${pick(PLAYS)}`;
    case "comedy":
      return `${performer}: ${pick(["Unfiltered", "Tonight Only", "Work in Progress", "The World Tour"])}`;
    case "family":
      return performer;
    case "festival":
      return `${city.name} ${pick(["Summer", "Winter", "Spring", "Harvest"])} Festival`;
    case "conference":
      return `${performer} ${city.name}`;
  }
}

/** The instant of `hour`:30 local time in `timeZone` on the day of `at`. */
export function localEvening(at: number, timeZone: string, hour: number): string {
  const day = new Date(at).toISOString().slice(0, 10);
  const guess = Date.parse(`${day}T${String(hour).padStart(2, "0")}:30:00Z`);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  }).formatToParts(new Date(guess));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const shown = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return new Date(guess - (shown - guess)).toISOString();
}
