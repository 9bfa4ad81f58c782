/**
 * Caps on the open streams of one room, so that one client cannot exhaust
 * it: per client address (CF-Connecting-IP, passed on by the API; default
 * 256, high enough for a carrier's NAT or a venue's Wi-Fi) and per user.
 * Each room counts its own streams in memory: a stream lives in exactly one
 * room, and a room that restarts has none.
 *
 * A request without an address (only local tools and tests omit
 * CF-Connecting-IP; Cloudflare always sets it) is capped per user only.
 *
 * A client that went away is noticed when its stream is next written to (an
 * idle stream's cancel does not travel back before that), so before refusing
 * a stream a room pings the streams of the same address or user (`probe`)
 * and counts again: a reload never locks a fan out.
 */
export interface StreamOwner {
  address: string | null;
  user: string | null;
}

export interface StreamLimits {
  perAddress: number;
  perUser: number;
}

const DEFAULT_PER_ADDRESS = 256;
/** Seat streams one signed-in user may keep open at once (tabs, devices). */
export const SEAT_STREAMS_PER_USER = 4;

function streamsPerAddress(env: Env): number {
  const configured = Number(env.STREAMS_PER_ADDRESS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_PER_ADDRESS;
}

/** The header a seat relay sets on its one stream from the room: not a fan's stream, so no cap applies. */
export const RELAY_HEADER = "x-seat-relay";

/**
 * Who asks a room for a stream (the headers the API or a relay sets from what
 * it verified; a client cannot reach a room but through them) and the caps
 * that apply. A relay's stream counts against no address or user: the
 * relay caps the fans it serves itself.
 */
export function streamAsker(request: Request, env: Env, perUser: number): { owner: StreamOwner; limits: StreamLimits } {
  const relay = request.headers.has(RELAY_HEADER);
  return {
    owner: relay ? { address: null, user: null } : { address: request.headers.get("x-client-address"), user: request.headers.get("x-user-id") },
    limits: { perAddress: streamsPerAddress(env), perUser },
  };
}

export class StreamCaps {
  private readonly open_ = new Map<string, number>();

  /** Counts a new stream, or says why it is refused (and counts nothing). */
  open(owner: StreamOwner, limits: StreamLimits): string | undefined {
    const keys = this.keys(owner);
    if (owner.address !== null && (this.open_.get(keys[0] ?? "") ?? 0) >= limits.perAddress) {
      return `at most ${limits.perAddress} live streams per client address; close some and try again`;
    }
    if (owner.user !== null && (this.open_.get(keys.at(-1) ?? "") ?? 0) >= limits.perUser) {
      return limits.perUser === 1 ? "this place in line is already being watched in another tab or device" : `at most ${limits.perUser} live streams per user`;
    }
    for (const key of keys) this.open_.set(key, (this.open_.get(key) ?? 0) + 1);
    return undefined;
  }

  close(owner: StreamOwner): void {
    for (const key of this.keys(owner)) {
      const left = (this.open_.get(key) ?? 0) - 1;
      if (left > 0) this.open_.set(key, left);
      else this.open_.delete(key);
    }
  }

  private keys(owner: StreamOwner): string[] {
    return [...(owner.address !== null ? [`a:${owner.address}`] : []), ...(owner.user !== null ? [`u:${owner.user}`] : [])];
  }
}

const PING = new TextEncoder().encode(": ping\n\n");
/** Long enough for a write to a stream whose client went away to fail. */
const PROBE_MS = 100;
/**
 * Pings per probe: a client's disconnect travels back one hop per write
 * (client, Worker, room; one more under `wrangler dev`'s proxy).
 */
const PROBE_ROUNDS = 3;

/**
 * Writes a comment to every stream that shares the owner's address or user,
 * a few times; streams whose client went away fail a write and are dropped
 * by `onGone`. Resolves once the writes had time to fail.
 */
export async function probe<Writer extends { write(chunk: Uint8Array): Promise<void> }>(
  watchers: Map<Writer, StreamOwner>,
  owner: StreamOwner,
  onGone: (writer: Writer) => void,
): Promise<void> {
  for (let round = 0; round < PROBE_ROUNDS; round++) {
    const pings: Promise<void>[] = [];
    for (const [writer, other] of watchers) {
      const shared = (owner.address !== null && other.address === owner.address) || (owner.user !== null && other.user === owner.user);
      if (shared) pings.push(writer.write(PING).catch(() => onGone(writer)));
    }
    if (pings.length === 0) return;
    await Promise.race([Promise.allSettled(pings), new Promise((resolve) => setTimeout(resolve, PROBE_MS))]);
    // A failed write is seen a moment after it is made; give it that moment.
    await new Promise((resolve) => setTimeout(resolve, PROBE_MS));
  }
}

/** The room's answer to a stream it will not open; the API turns it into a 429 problem. */
export function refusedStream(detail: string): Response {
  return new Response(JSON.stringify({ detail }), { status: 429, headers: { "content-type": "application/json" } });
}
