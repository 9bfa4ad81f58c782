/**
 * The Worker's secrets and optional settings. `wrangler types` generates
 * `Env` (in `worker-configuration.d.ts`) from `wrangler.toml`: its bindings
 * and `[vars]`. Secrets are never in `wrangler.toml`, so they are declared
 * here, once, with their real optionality, and merged into the same `Env`.
 * The API and both rooms use the global `Env`; nothing imports it from the
 * API.
 */
declare global {
  namespace Cloudflare {
    interface Env {
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
      /** Longest lifetime, in seconds, of a Bearer token that is accepted or minted (default 86400, 24 h). */
      TOKEN_MAX_AGE_SECONDS?: string;
      /** The identity provider's sign-in page the web app sends fans to, with `state` and `redirect_uri`. */
      SIGN_IN_URL?: string;
      /** "1" enables `/api/dev/*` (token minting, simulated payments); never set in production. */
      DEV_AUTH?: string;
      /** Seconds a hold lasts (default 600). */
      HOLD_TTL_SECONDS?: string;
      /** Seconds a hold is extended once when checkout starts (default 120). */
      HOLD_GRACE_SECONDS?: string;
      /** Stripe secret key; without it payments are simulated. */
      STRIPE_SECRET_KEY?: string;
      /** Signing secret of the Stripe webhook endpoint (and of simulated events). */
      STRIPE_WEBHOOK_SECRET?: string;
      /** Publishable key, for the checkout page. */
      STRIPE_PUBLISHABLE_KEY?: string;
      /** Ed25519 seed (32 bytes, base64url) that signs ticket codes (default: derived from JWT_SECRET). */
      TICKET_SIGNING_KEY?: string;
      /** Key of queue tickets and admission tokens (default: derived from JWT_SECRET). */
      QUEUE_SECRET?: string;
      /** Turnstile secret: with it, joining a waiting room needs a bot check (a secret). */
      TURNSTILE_SECRET_KEY?: string;
      /** Turnstile site key, for the widget on the queue page. */
      TURNSTILE_SITE_KEY?: string;
      /** Where Turnstile tokens are verified (default: Cloudflare's Siteverify). */
      TURNSTILE_VERIFY_URL?: string;
    }
  }
}

export {};
