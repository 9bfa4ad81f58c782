/**
 * A fan's place in the waiting room as the API sends it (joining, the
 * status poll, and the stream's `position` events), and the words the page
 * shows for it. Declared here: the API's schema lives with its route
 * (workers/api/routes/queue.ts, QueuePosition), not in src/shared.
 */

export type QueueEndReason = "booked" | "released" | "lapsed" | "cancelled" | "replaced";

/** The API's QueuePosition. */
export interface QueuePosition {
  state: "waiting" | "admitted" | "ended" | "paused" | "closed";
  /** 1 is next; null before the lottery is drawn. */
  position: number | null;
  ahead: number | null;
  etaSeconds: number;
  /** Before the sale: when it opens (places are drawn by lottery then). */
  opensAt?: string;
  /** No seats are free now; seats that come back go to the fans in line. */
  soldOut?: boolean;
  /** Why an ended place ended. */
  reason?: QueueEndReason;
}

/** The answer to joining: the place, and the signed ticket that names it. */
export interface QueueJoined extends QueuePosition {
  queueTicket: string;
}

/** The answer to a status poll: an admission token once it is the fan's turn. */
export interface QueueStatus extends QueuePosition {
  admissionToken?: string;
  expiresAt?: string;
}

const ENDED: Record<QueueEndReason, string> = {
  booked: "You booked: your session is over.",
  released: "You gave your seats back: your session is over.",
  lapsed: "Your shopping time ran out.",
  cancelled: "You left the line.",
  replaced: "This place was replaced by a newer one.",
};

/** The status line. */
export function stateWords(p: QueuePosition): string {
  switch (p.state) {
    case "waiting":
      return p.opensAt
        ? "Waiting for the sale to open; your place is drawn by lottery when it does."
        : p.soldOut
          ? "In the queue, but sold out for now: join the waitlist below to get returned seats"
          : "In the queue";
    case "admitted":
      return "It's your turn";
    case "ended":
      return `${(p.reason && ENDED[p.reason]) || "Your place has ended."} Join again to queue at the back.`;
    case "paused":
      return "Admission is paused; you keep your place.";
    case "closed":
      return "The waiting room is closed.";
    default:
      return String((p as { state: unknown }).state);
  }
}

export const positionText = (p: QueuePosition): string => (p.position == null ? (p.state === "waiting" ? "to be drawn" : "—") : String(p.position));

export const aheadText = (p: QueuePosition): string => (p.ahead == null ? "—" : String(p.ahead));

export const etaText = (p: QueuePosition): string => (p.etaSeconds > 90 ? `${Math.round(p.etaSeconds / 60)} min` : `${p.etaSeconds} s`);
