/** The API as the browser journeys call it from Node: JSON in and out, and tokens from the dev sign-in. */
import { expect, inject } from "vitest";

const base = inject("baseUrl");

export async function api<T>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** A token from `POST /api/dev/token`: any user, any roles, acting for `org` when given. */
export async function tokenFor(userId: string, roles: string[], org?: string): Promise<string> {
  const minted = await api<{ token: string }>("POST", "/api/dev/token", undefined, { userId, roles, ...(org ? { org } : {}) });
  expect(minted.status, JSON.stringify(minted.body)).toBe(200);
  return minted.body.token;
}
