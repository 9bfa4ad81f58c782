/**
 * The door's calls to the API: with the staff's token and a deadline (a door
 * cannot wait on a hanging request). Each call also tells the page whether
 * the server can be reached: when it cannot, the kit decides; when it can
 * again, the scans kept offline go up.
 */
import { responseBody, token } from "../shell/session";
import { door } from "./state";
import { render } from "./status";

const REQUEST_TIMEOUT_MS = 5000;

export interface DoorResponse<T> {
  status: number;
  ok: boolean;
  /** The JSON answer (`{}` when there is none): `T` when ok, else problem details. */
  data: T;
  headers: Headers;
}

let backOnline: () => void = () => {};

/** What to do when the server can be reached again (upload the scans kept offline). */
export function whenBackOnline(listener: () => void): void {
  backOnline = listener;
}

function setReachable(value: boolean): void {
  if (door.reachable === value) return;
  door.reachable = value;
  render();
  if (value) backOnline();
}

/** A JSON call; throws when the server cannot be reached (offline, timeout). */
export async function call<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<DoorResponse<T>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${token()}` };
    if (options.body) headers["content-type"] = "application/json";
    const res = await fetch(path, {
      method: options.method || "GET",
      headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      signal: controller.signal,
    });
    const body = await responseBody(res);
    setReachable(true);
    // No JSON (an empty body, a proxy's page): `{}`, so the callers' reads find nothing rather than fail.
    return { status: res.status, ok: res.ok, data: (typeof body === "object" && body !== null ? body : {}) as T, headers: res.headers };
  } catch (error) {
    setReachable(false);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
