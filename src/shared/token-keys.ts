/**
 * Keys for the tokens the system signs itself (queue tickets, admission
 * tokens, ticket QR codes): a dedicated secret when set, otherwise a key
 * derived from JWT_SECRET for that purpose alone, so no token of one kind can
 * ever pass as another, or as a login token.
 */
export interface TokenKeys {
  QUEUE_SECRET?: string;
  TICKET_SECRET?: string;
  JWT_SECRET?: string;
}

export async function hmac(key: Uint8Array, message: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(message));
}

export async function tokenKey(keys: TokenKeys, purpose: "queue" | "ticket"): Promise<Uint8Array> {
  const dedicated = purpose === "queue" ? keys.QUEUE_SECRET : keys.TICKET_SECRET;
  if (dedicated) return new TextEncoder().encode(dedicated);
  if (!keys.JWT_SECRET) throw new Error(`${purpose === "queue" ? "QUEUE_SECRET" : "TICKET_SECRET"} or JWT_SECRET must be set`);
  return new Uint8Array(await hmac(new TextEncoder().encode(keys.JWT_SECRET), `edge-tickets/${purpose}-tokens/v1`));
}
