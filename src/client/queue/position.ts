/**
 * A fan's place in the waiting room as the API sends it (joining, the
 * status poll, and the stream's `position` events), and the words the page
 * shows for it, in the page's language (src/shared/page-copy/queue.ts).
 * Declared here: the API's schema lives with its route
 * (workers/api/routes/queue.ts, QueuePosition), not in src/shared.
 */
import { QUEUE_COPY } from "../../shared/page-copy/queue";
import { pageLanguage } from "../shell/language";

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

const words = () => QUEUE_COPY[pageLanguage()];

/** The status line. */
export function stateWords(p: QueuePosition): string {
  switch (p.state) {
    case "waiting":
      return p.opensAt ? words().beforeSale : p.soldOut ? words().soldOutInLine : words().inLine;
    case "admitted":
      return words().yourTurn;
    case "ended":
      return words().ended({ reason: p.reason ?? null });
    case "paused":
      return words().paused;
    case "closed":
      return words().closed;
    default:
      return String((p as { state: unknown }).state);
  }
}

export const positionText = (p: QueuePosition): string =>
  p.position == null ? (p.state === "waiting" ? words().toBeDrawn : "—") : words().count({ count: p.position });

export const aheadText = (p: QueuePosition): string => (p.ahead == null ? "—" : words().count({ count: p.ahead }));

export const etaText = (p: QueuePosition): string => words().eta({ seconds: p.etaSeconds });
