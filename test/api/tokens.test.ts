import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { signToken } from "../../workers/api/auth";
import { call, callWith, json, problem, word } from "../helpers";

const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the server's key, with exactly the claims given. */
function signed(claims: { sub?: string; iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({ roles: ["fan"] }).setProtectedHeader({ alg: "HS256" });
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(env.JWT_SECRET));
}

const myBookings = (token: string) => call("GET", "/api/me/bookings", { token });

describe("bearer tokens", () => {
  it("accepts a token that expires within the maximum lifetime", async () => {
    const token = await signed({ sub: `fan-${word()}`, iat: now(), exp: now() + 3600 });
    await json(await myBookings(token), 200);
  });

  it("refuses a token without an expiry (exp) with 401", async () => {
    const body = await problem(await myBookings(await signed({ sub: "forever-fan", iat: now() })), 401);
    expect(body.detail).toContain("exp");
  });

  it("refuses a token whose lifetime (exp - iat) is longer than the maximum, even if little of it is left", async () => {
    const iat = now() - 2 * 3600;
    const body = await problem(await myBookings(await signed({ sub: "long-fan", iat, exp: iat + DAY + 3600 })), 401);
    expect(body.detail).toContain("longer than 86400 seconds");
  });

  it("refuses a token without iat that expires further ahead than the maximum", async () => {
    const body = await problem(await myBookings(await signed({ sub: "year-fan", exp: now() + 365 * DAY })), 401);
    expect(body.detail).toContain("more than 86400 seconds from now");
  });

  it("refuses a token issued in the future (iat), which would hide a longer life", async () => {
    const iat = now() + 30 * DAY;
    const body = await problem(await myBookings(await signed({ sub: "future-fan", iat, exp: now() + 3600 })), 401);
    expect(body.detail).toContain("iat");
  });

  it("refuses a token whose subject contains a NUL with 401, before it reaches Postgres", async () => {
    await problem(await myBookings(await signed({ sub: "fan\u0000x", iat: now(), exp: now() + 60 })), 401);
  });

  it("refuses a token whose subject contains an unpaired surrogate with 401", async () => {
    await problem(await myBookings(await signed({ sub: "fan\ud800x", iat: now(), exp: now() + 60 })), 401);
  });

  it("are never minted for longer than TOKEN_MAX_AGE_SECONDS", async () => {
    const { iat, exp } = decodeJwt(await signToken({ ...env, TOKEN_MAX_AGE_SECONDS: "600" }, { id: "short-fan", roles: [] }, 365 * DAY));
    expect((exp ?? Infinity) - (iat ?? 0)).toBe(600);
  });

  it("from the dev token route are accepted", async () => {
    const { token } = await json<{ token: string }>(await call("POST", "/api/dev/token", { body: { userId: `fan-${word()}` } }), 200);
    await json(await myBookings(token), 200);
  });
});

describe("the demo identity provider (/api/dev/sign-in)", () => {
  const state = "0123456789abcdef0123";
  const signIn = (query: Record<string, string>) => call("GET", `/api/dev/sign-in?${new URLSearchParams(query)}`);

  it("sends the fan back to the page with a token and the page's own state in the fragment", async () => {
    const res = await signIn({ role: "organizer", state, redirect_uri: "http://tickets.test/organizer?x=1" });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "", "http://tickets.test");
    expect(location.pathname + location.search).toBe("/organizer?x=1");
    const handOff = new URLSearchParams(location.hash.slice(1));
    expect(handOff.get("state")).toBe(state);
    expect(decodeJwt(handOff.get("token") ?? "")).toMatchObject({ sub: "demo-organizer", roles: ["organizer", "fan"] });
  });

  it("never sends the fan to another site", async () => {
    for (const redirect_uri of [
      "https://attacker.example/steal",
      "https://tickets.test//evil.example/steal",
      "https://tickets.test/\\evil.example/steal",
      "https://tickets.test/.//evil.example/steal",
    ]) {
      const location = new URL((await signIn({ role: "fan", state, redirect_uri })).headers.get("location") ?? "", "http://elsewhere.test");
      expect(location.origin, redirect_uri).toBe("http://tickets.test");
      expect(location.hash).toMatch(/^#token=/);
    }
  });

  it("refuses a redirect_uri that is not a web address with 400", async () => {
    await problem(await signIn({ role: "fan", state, redirect_uri: "javascript:alert(1)" }), 400);
  });

  it("answers 404 without DEV_AUTH=1", async () => {
    await problem(await callWith({ DEV_AUTH: "0" }, "GET", `/api/dev/sign-in?${new URLSearchParams({ state, redirect_uri: "http://tickets.test/" })}`), 404);
  });
});
