/**
 * QueueRoom: one Durable Object per queue-enabled event, the waiting room
 * that admits fans in batches. Built by issue #4; the catalog (issue #2) only
 * binds and deploys it so that the Worker's shape is final from the start.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../api/env";

export class QueueRoom extends DurableObject<Env> {}
