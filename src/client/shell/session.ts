/**
 * The fan's session in the browser: the token kept in localStorage, the
 * sign-in hand-off, and `api()`, which every page uses to call the API
 * (with `problemDetail()` for what a refusal says).
 *
 * Signing in: the page makes a random `state`, keeps it in sessionStorage
 * and sends the fan to the sign-in page (SIGN_IN_URL, or in local
 * development the demo identity provider `/api/dev/sign-in`) with `state`
 * and `redirect_uri`. A token coming back as `#token=…&state=…` is kept only
 * if the state is the one this tab made, and the state works once: a link
 * with someone else's token (sign-in fixation) is ignored, and the account
 * widget says so.
 */
const KEY = "edge-tickets-token";
const STATE_KEY = "edge-tickets-sign-in-state";

/** The claims the pages read from the fan's token (not verified here: the API verifies every call). */
export interface Claims {
  sub: string;
  roles?: string[];
  org?: string | null;
  exp?: number;
}

export interface ApiResponse<T = unknown> {
  status: number;
  ok: boolean;
  data: T;
  headers: Headers;
}

export interface ApiOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Set by takeSignInHandOff when a token arrived that this tab did not ask for (the account widget says so). */
export let signInIgnored = false;

/** Takes a token handed back in the URL's fragment, once, if this tab started the sign-in. */
export function takeSignInHandOff(): void {
  const handOff = new URLSearchParams(location.hash.slice(1));
  if (!handOff.has("token")) return;
  const expected = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY);
  history.replaceState(null, "", location.pathname + location.search);
  const token = handOff.get("token");
  if (expected && token && handOff.get("state") === expected) localStorage.setItem(KEY, token);
  else signInIgnored = true;
}

export const token = (): string | null => localStorage.getItem(KEY);

/** The token's claims, or null when there is none or it has expired. */
export function claims(): Claims | null {
  const t = token();
  if (!t) return null;
  try {
    const payload = JSON.parse(atob((t.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Claims;
    if (payload.exp && payload.exp * 1000 < Date.now()) return null;
    return payload;
  } catch {
    return null;
  }
}

/** The server's clock minus this browser's, from the last response's Date header. */
let serverOffset = 0;
export const serverNow = (): number => Date.now() + serverOffset;

/** Calls the API with the fan's token; JSON in and out (text when the answer is not JSON). */
export async function api<T = unknown>(path: string, options: ApiOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const t = token();
  if (t && !headers.authorization) headers.authorization = `Bearer ${t}`;
  let body = options.body;
  if (body !== undefined && typeof body !== "string") {
    body = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  const res = await fetch(path, { method: options.method ?? "GET", headers, body: body as string | undefined });
  const date = res.headers.get("date");
  if (date) serverOffset = Date.parse(date) - Date.now();
  return { status: res.status, ok: res.ok, data: (await responseBody(res)) as T, headers: res.headers };
}

/** A response's body: its JSON, else its text (null when empty). */
export async function responseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/**
 * The `detail` of an API refusal (problem details, workers/api/problem.ts).
 * `api()` types the body as the success answer, so it is read here as
 * unknown: an answer that is not a problem (a proxy's page, an empty body)
 * has none.
 */
export function problemDetail(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null || !("detail" in data)) return undefined;
  return typeof data.detail === "string" ? data.detail : undefined;
}

/** Sends the fan to a sign-in page with a fresh state; the token comes back as #token=…&state=…. */
export function beginSignIn(url: string, params: Record<string, string> = {}): void {
  const state = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, "0")).join("");
  sessionStorage.setItem(STATE_KEY, state);
  const target = new URL(url, location.href);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  target.searchParams.set("state", state);
  target.searchParams.set("redirect_uri", location.origin + location.pathname + location.search);
  location.assign(target.href);
}

/** Local development: the demo identity provider signs in a demo fan or organizer (or any userId). */
export function signInAs(role: string, userId?: string): void {
  beginSignIn("/api/dev/sign-in", userId ? { role, userId } : { role });
}

export function signOut(): void {
  localStorage.removeItem(KEY);
  document.dispatchEvent(new CustomEvent("account-changed"));
}
