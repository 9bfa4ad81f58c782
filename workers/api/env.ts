/**
 * The Worker's bindings (wrangler.toml `[vars]`, secrets and Durable Object
 * namespaces) and the per-request variables the middleware sets.
 */
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import type * as schema from "../../src/shared/db-schema";
import type { QueueRoom } from "../queue-room";
import type { SeatRoom } from "../seat-room";

export interface Env {
  /** Postgres connection string (a secret in production: Neon's pooled URL). */
  DATABASE_URL: string;
  /** Local only: `host:port` of the WebSocket proxy in front of a local Postgres. */
  NEON_LOCAL_PROXY?: string;
  /** HS256 key for Bearer tokens (a secret). */
  JWT_SECRET?: string;
  /** Verify Bearer tokens against this JWKS instead of JWT_SECRET. */
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** "1" enables `/api/dev/*` (token minting); never set in production. */
  DEV_AUTH?: string;
  /** Seconds a hold lasts (default 600). */
  HOLD_TTL_SECONDS?: string;
  /** Seconds a hold is extended once when checkout starts (default 120). */
  HOLD_GRACE_SECONDS?: string;
  /** Edge cache lifetime of search and event responses, seconds (30..60 suggested). */
  CACHE_TTL_SECONDS?: string;
  /** Stripe secret key; without it payments are simulated. */
  STRIPE_SECRET_KEY?: string;
  /** Signing secret of the Stripe webhook endpoint (and of simulated events). */
  STRIPE_WEBHOOK_SECRET?: string;
  /** Publishable key, for the checkout page. */
  STRIPE_PUBLISHABLE_KEY?: string;
  /** Key of ticket QR tokens (default: derived from JWT_SECRET). */
  TICKET_SECRET?: string;
  /** Key of queue tickets and admission tokens (default: derived from JWT_SECRET). */
  QUEUE_SECRET?: string;
  SEAT_ROOM: DurableObjectNamespace<SeatRoom>;
  QUEUE_ROOM: DurableObjectNamespace<QueueRoom>;
}

export type Database = NeonDatabase<typeof schema>;

export interface User {
  id: string;
  roles: string[];
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Opens the request's Postgres pool on first use; it is closed after the response. */
    db: () => Database;
    user: User;
  };
}
