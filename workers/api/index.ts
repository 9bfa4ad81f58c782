/**
 * The Worker's entry: the API app and both Durable Object classes, deployed
 * together by one `wrangler deploy`.
 */
import { app } from "./app";

export { QueueRoom } from "../queue-room";
export { SeatRoom } from "../seat-room";

export default app;
export { CancellationWorkflow } from "./cancellation/workflow";
