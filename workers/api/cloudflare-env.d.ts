// Tells the runtime types which module is the Worker's entry and what its
// bindings are, so `env` and `exports` from "cloudflare:workers" are typed
// (what `wrangler types` would generate, kept by hand next to env.ts).
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import("./index");
    durableNamespaces: "SeatRoom" | "QueueRoom";
  }
  interface Env extends import("./env").Env {}
}
