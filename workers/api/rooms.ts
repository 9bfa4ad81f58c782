/** The Durable Objects of an event, by the event's id. */

export function seatRoom(env: Env, eventId: string) {
  return env.SEAT_ROOM.getByName(eventId);
}
