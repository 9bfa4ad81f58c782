/**
 * The fan's tickets as last loaded, kept in localStorage so the page shows
 * them, with codes still rotating, at a gate without network (the door
 * checks offline too). They are kept per user and holder key: passes are
 * bound to the key, so another key's passes would make codes the door
 * refuses. Signing out forgets them.
 */
import { token } from "../shell/session";
import type { HeldTicket } from "../../shared/booking";

const SAVED = "edge-tickets-my-tickets";

export interface SavedTickets {
  user: string;
  holderKey: string;
  savedAt: string;
  /** The server's clock minus this browser's when they were loaded: codes are made by the server's clock. */
  offsetMs: number;
  tickets: HeldTicket[];
}

/** The token's user even after it expired: the saved tickets are theirs to show offline. */
export function owner(): string | null {
  const t = token();
  if (!t) return null;
  try {
    const payload = JSON.parse(atob((t.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: string };
    return payload.sub || null;
  } catch {
    return null;
  }
}

export function readSaved(user: string, publicKey: string): SavedTickets | null {
  try {
    const saved = JSON.parse(localStorage.getItem(SAVED) || "null") as SavedTickets | null;
    return saved && saved.user === user && saved.holderKey === publicKey ? saved : null;
  } catch {
    return null;
  }
}

export function save(saved: SavedTickets): void {
  try {
    localStorage.setItem(SAVED, JSON.stringify(saved));
  } catch {
    // Storage full or refused: the tickets show now, only not offline later.
  }
}

export function forget(): void {
  localStorage.removeItem(SAVED);
}
