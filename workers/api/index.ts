/**
 * The Worker's entry: the API app, the mail queues' consumer and the outbox
 * sweep (cron), both Durable Object classes and the cancellation Workflow,
 * deployed together by one `wrangler deploy`.
 */
import { app } from "./app";
import { onMailQueue, sweepOutbox } from "./mail/delivery";

export { QueueRoom } from "../queue-room";
export { SeatRoom } from "../seat-room";

export default {
  fetch: app.fetch,
  queue: (batch, env) => onMailQueue(batch, env),
  scheduled: async (_controller, env) => {
    await sweepOutbox(env);
  },
} satisfies ExportedHandler<Env>;
export { CancellationWorkflow } from "./cancellation/workflow";
