// Tells the runtime types which module is the Worker's entry and what its
// bindings are, so `env` and `exports` from "cloudflare:workers" are typed
// (what `wrangler types` would generate, kept by hand next to env.ts).
import type { Env as Bindings } from "./env";
import type * as main from "./index";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof main;
      durableNamespaces: "SeatRoom" | "QueueRoom";
    }
    interface Env extends Bindings {}
  }
}
