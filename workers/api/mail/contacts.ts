/**
 * Where a fan's mail goes. A webhook carries no fan token, so the address
 * (the token's `email` claim) and language are kept with the hold when the
 * fan starts paying, and the booking transaction copies them onto the
 * booking (`writeBooking`).
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { requestLanguage } from "../../../src/mail/locale";
import { holdContacts } from "../../../src/shared/db-schema";
import type { AppEnv } from "../env";

/** One address, as a mail header can carry it: no spaces, brackets or line breaks; one @. */
const ADDRESS = /^[^\s@<>()",;:\\]+@[^\s@<>()",;:\\]+\.[^\s@<>()",;:\\]+$/;

/** The token's address if it is one we can send to (the identity provider's claim is not ours to trust blindly). */
export function mailAddress(email: string | null): string | null {
  return email && email.length <= 254 && ADDRESS.test(email) ? email : null;
}

/** Keeps the fan's contact for their hold (the latest checkout wins: a fan may switch language). */
export async function keepHoldContact(c: Context<AppEnv>, holdId: string): Promise<void> {
  const { user } = c.var;
  const email = mailAddress(user.email);
  const language = requestLanguage(getCookie(c, "lang"), c.req.header("accept-language"));
  await c.var
    .db()
    .insert(holdContacts)
    .values({ holdId, userId: user.id, email, language })
    .onConflictDoUpdate({ target: holdContacts.holdId, set: { userId: user.id, email, language } });
}
