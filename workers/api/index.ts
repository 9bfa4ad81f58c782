/**
 * The Worker's entry: the API app, the mail queues' consumer and the outbox
 * sweep (cron), the Durable Object classes (rooms and seat relays) and the cancellation Workflow,
 * deployed together by one `wrangler deploy`.
 */
import { app } from "./app";
import { onMailQueue, sweepOutbox } from "./mail/delivery";

export { QueueRoom } from "../queue-room";
export { SeatRoom } from "../seat-room";
export { SeatRelay } from "../seat-room/relay";

export default {
  fetch: app.fetch,
  queue: (batch, env) => onMailQueue(batch, env),
  scheduled: async (_controller, env) => {
    await sweepOutbox(env);
  },
} satisfies ExportedHandler<Env>;
export { CancellationWorkflow } from "./cancellation/workflow";
