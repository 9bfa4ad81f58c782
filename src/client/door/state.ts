/**
 * What the door page knows, in one place: the event's door kit, this
 * device's log and the server's figures, shared by the parts of the page
 * (status, checks, sync). Kept per event in IndexedDB (offline/local-store.ts):
 * - the **door kit** (`door-kit:<eventId>`): the API's public keys, the code
 *   rules, every ticket admitted and every void code when it was loaded;
 * - this device's **log** (`door-log:<eventId>`): the tickets it saw
 *   admitted (so a code is refused a second time even offline), the scans
 *   it admitted offline and has not uploaded yet, and what the server found
 *   wrong with uploaded ones (conflicts: the same ticket admitted at two
 *   gates while offline; codes void by then).
 */
import type { z } from "zod";
import type { Admitted, DoorKit, DoorStats, REFUSALS, ScanResults } from "../../shared/door";
import type { PassClaims } from "../../shared/ticket-codes";
import { pageData } from "../shell/page";
import { claims } from "../shell/session";

export type Kit = z.infer<typeof DoorKit>;
export type Stats = z.infer<typeof DoorStats>;
export type Uploaded = z.infer<typeof ScanResults>;
export type AdmittedAnswer = z.infer<typeof Admitted>;
/** The API's refusal at the door (409). */
export interface Refusal {
  admitted: false;
  reason: (typeof REFUSALS)[number];
  detail?: string;
  admittedAt?: string;
  gate?: string;
}

/** Section, row, seat, as a pass carries them. */
export type SeatLabel = PassClaims["l"];

/** The door kit as kept on the device: with the server's clock offset and when it was loaded. */
export interface StoredKit extends Kit {
  clockOffsetMs: number;
  savedAt: string;
}

export interface Admission {
  at?: string;
  gate?: string;
}

/** A scan admitted offline, waiting for upload. */
export interface PendingScan {
  token: string;
  gate: string;
  scannedAt: string;
  ticketId: string;
  label: SeatLabel;
}

export interface UploadProblem {
  ticketId: string;
  outcome: string;
  text: string;
}

export interface DoorLog {
  /** By ticketKey. */
  admitted: Record<string, Admission>;
  pending: PendingScan[];
  problems: UploadProblem[];
}

export const eventId = pageData<{ eventId: string }>().eventId;
export const KIT_KEY = `door-kit:${eventId}`;
export const LOG_KEY = `door-log:${eventId}`;

/** A ticket of one booking: the key of admissions and void codes (a seat refunded and sold again is a new ticket). */
export const ticketKey = (t: { ticketId: string; bookingId: string }): string => `${t.ticketId} ${t.bookingId}`;

export const door = {
  /** The door kit, or null before one was loaded on this device. */
  kit: null as StoredKit | null,
  /** From the kit: ticketKey -> where and when it was admitted. */
  kitAdmitted: new Map<string, Admission>(),
  /** From the kit: ticketKey -> minVersion (null: every code of it is void). */
  kitVoid: new Map<string, number | null>(),
  log: { admitted: {}, pending: [], problems: [] } as DoorLog,
  /** From the server: admitted, total, conflicts. */
  stats: null as Stats | null,
  /** Whether the last call reached the server. */
  reachable: navigator.onLine,
  /** Whether IndexedDB keeps what the page saves. */
  storeWorks: true,
  /** A code is being checked: the next waits. */
  busy: false,
  uploading: false,
};

export function isStaff(): boolean {
  const me = claims();
  return Boolean(me && (me.roles ?? []).some((r) => r === "door" || r === "organizer" || r === "admin"));
}

/** Now by the server's clock (as the kit gave it), in unix seconds: code ages are the server's. */
export const nowSeconds = (): number => Math.floor((Date.now() + (door.kit ? door.kit.clockOffsetMs : 0)) / 1000);
