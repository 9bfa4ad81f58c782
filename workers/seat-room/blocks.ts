/**
 * Box-office blocks: seats the organizer takes off sale (production holds,
 * camera positions, VIPs, refunded seats kept back). A block is a seat state
 * like a hold, owned by the SeatRoom: the rule here decides, the ledger
 * persists, the live map shows `blocked`.
 *
 * Invariants: a seat is in at most one block; a block never takes a seat
 * that is sold or in a live hold (it is refused, naming those seats), so a
 * blocked seat is never also held or sold, except when Postgres, the record
 * of sales, says otherwise (a reconciliation), and then the sale wins and
 * the seat leaves its block.
 *
 * Storage: `blocks` in the room's SQLite, one row per block with its seats
 * as JSON; released blocks are kept with `released_at` for the record.
 */
import { newId } from "../../src/shared/ids";
import { log } from "../../src/shared/log";
import type { BlockOutcome, BlockRecord, Rejection, UnblockOutcome } from "../../src/shared/room-protocol";
import { isFree, type RoomState } from "./rules";
import type { SeatLedger } from "./seat-ledger";

export type Block = BlockRecord;

export const BLOCKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS blocks (
  id TEXT PRIMARY KEY, seats TEXT NOT NULL, reason TEXT NOT NULL, created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL, released_at INTEGER
);`;

export type BlockPlan = { kind: "block"; block: Block } | { kind: "conflict"; seats: number[] } | Rejection;

/** Whether the seats may be blocked now: every one exists, is listed once, and is neither sold, held nor blocked. */
export function planBlock(state: RoomState, request: { id: string; seats: number[]; reason: string; by: string }, now: number): BlockPlan {
  const { ticketCount, eventId } = state.catalog;
  const unknown = request.seats.filter((s) => !Number.isInteger(s) || s < 0 || s >= ticketCount);
  if (unknown.length > 0) {
    const named = unknown.slice(0, 20).map((s) => `${eventId}.${s}`);
    return { kind: "rejected", status: 400, detail: `unknown tickets: ${named.join(", ")}${unknown.length > 20 ? `, and ${unknown.length - 20} more` : ""}` };
  }
  if (new Set(request.seats).size !== request.seats.length) return { kind: "rejected", status: 400, detail: "a ticket is listed twice" };
  const taken = request.seats.filter((s) => state.seatBlock.has(s) || !isFree(state, s, now));
  if (taken.length > 0) return { kind: "conflict", seats: taken };
  const seats = [...request.seats].sort((a, b) => a - b);
  return { kind: "block", block: { id: request.id, seats, reason: request.reason, createdBy: request.by, createdAt: now } };
}

/** The room's step: the seats are blocked if the rule allows it. */
export function takeOffSale(ledger: SeatLedger, request: { seats: number[]; reason: string; by: string }, now: number): BlockOutcome {
  const plan = planBlock(ledger.state, { ...request, id: newId("bl") }, now);
  if (plan.kind !== "block") return plan;
  ledger.block(plan.block, now);
  log("info", "seats_blocked", { eventId: ledger.state.catalog.eventId, blockId: plan.block.id, seats: plan.block.seats.length, userId: request.by });
  return { kind: "blocked", block: plan.block };
}

/** The room's step: a block is released and its seats are on sale again at once. */
export function putBackOnSale(ledger: SeatLedger, blockId: string, now: number): UnblockOutcome {
  const block = ledger.state.blocks.get(blockId);
  if (!block) return { kind: "rejected", status: 404, detail: "no such block" };
  const seats = ledger.unblock(block, now);
  log("info", "seats_unblocked", { eventId: ledger.state.catalog.eventId, blockId, seats: seats.length });
  return { kind: "released", block, seats };
}

/**
 * The room's step for refunded tickets of a booking (Postgres has released
 * them): those still sold to it go back on sale, or into a block when not
 * restocked. Idempotent: seats no longer sold to the booking are left be.
 */
export function returnRefunded(ledger: SeatLedger, bookingId: string, seats: number[], keepBack: { reason: string; by: string } | null, now: number): number[] {
  const mine = seats.filter((s) => ledger.state.sold.get(s)?.bookingId === bookingId);
  if (mine.length === 0) return [];
  const keep = keepBack ? { id: newId("bl"), seats: mine, reason: keepBack.reason, createdBy: keepBack.by, createdAt: now } : null;
  ledger.refund(mine, keep, now);
  return mine;
}

/** Puts a block into the room's indexes (memory only). */
export function addBlock(state: RoomState, block: Block): void {
  state.blocks.set(block.id, block);
  for (const seat of block.seats) state.seatBlock.set(seat, block.id);
}

/** Takes a block out of the room's indexes (memory only). */
export function removeBlock(state: RoomState, block: Block): void {
  state.blocks.delete(block.id);
  for (const seat of block.seats) if (state.seatBlock.get(seat) === block.id) state.seatBlock.delete(seat);
}

interface BlockRow extends Record<string, SqlStorageValue> {
  id: string;
  seats: string;
  reason: string;
  created_by: string;
  created_at: number;
}

const toBlock = (row: BlockRow): Block => ({
  id: row.id,
  seats: JSON.parse(row.seats) as number[],
  reason: row.reason,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export function liveBlocks(sql: SqlStorage): Block[] {
  return sql.exec<BlockRow>("SELECT * FROM blocks WHERE released_at IS NULL ORDER BY created_at, id").toArray().map(toBlock);
}

export function writeBlock(sql: SqlStorage, block: Block): void {
  sql.exec(
    "INSERT OR REPLACE INTO blocks (id, seats, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
    block.id,
    JSON.stringify(block.seats),
    block.reason,
    block.createdBy,
    block.createdAt,
  );
}

export function releaseBlockRow(sql: SqlStorage, blockId: string, at: number): void {
  sql.exec("UPDATE blocks SET released_at = ? WHERE id = ? AND released_at IS NULL", at, blockId);
}
