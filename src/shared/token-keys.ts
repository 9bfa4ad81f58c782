/**
 * Keys for the tokens the system signs itself with HMAC (queue tickets,
 * admission tokens): a dedicated secret when set, otherwise a key
 * derived from JWT_SECRET for that purpose alone, so no token of one kind can
 * ever pass as another, or as a login token.
 */
export interface TokenKeys {
  QUEUE_SECRET?: string;
  JWT_SECRET?: string;
}

export async function hmac(key: Uint8Array, message: string): Promise<ArrayBuffer> {
  // A copy backed by a plain ArrayBuffer: the DOM's types (the browser code imports this too) refuse a view of any buffer.
  const cryptoKey = await crypto.subtle.importKey("raw", new Uint8Array(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(message));
}

export async function tokenKey(keys: TokenKeys, purpose: "queue"): Promise<Uint8Array> {
  if (keys.QUEUE_SECRET) return new TextEncoder().encode(keys.QUEUE_SECRET);
  if (!keys.JWT_SECRET) throw new Error("QUEUE_SECRET or JWT_SECRET must be set");
  return new Uint8Array(await hmac(new TextEncoder().encode(keys.JWT_SECRET), `edge-tickets/${purpose}-tokens/v1`));
}
