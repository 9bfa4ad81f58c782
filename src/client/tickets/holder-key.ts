/**
 * The fan's **holder key**: an ECDSA P-256 key pair made once per browser.
 * Its public half goes to the API (`?holderKey=`), which binds the passes to
 * it; its private half signs the rotating codes and never leaves the
 * browser (not extractable, kept in IndexedDB as a CryptoKey), so a copied
 * pass cannot make codes anywhere else.
 */
import { get, set } from "../offline/local-store";

const HOLDER = "holder-key";

/** As kept in IndexedDB: the private key, and the public key as the API takes it (raw, uncompressed, base64url). */
interface StoredHolderKey {
  privateKey: CryptoKey;
  publicKey: string;
}

export interface HolderKey extends StoredHolderKey {
  /** Whether the key is kept: if not, the next visit makes another, and the passes saved for this one stop working. */
  kept: boolean;
}

const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** This browser's holder key: the kept one, else a new one (kept if the browser lets us). */
export async function holderKey(): Promise<HolderKey> {
  try {
    const kept = await get<Partial<StoredHolderKey>>(HOLDER);
    if (kept?.privateKey && kept.publicKey) return { privateKey: kept.privateKey, publicKey: kept.publicKey, kept: true };
  } catch {
    // No IndexedDB here (private mode, blocked): make a key for this visit.
  }
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const key: StoredHolderKey = { privateKey: pair.privateKey, publicKey: b64url(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey))) };
  try {
    await set(HOLDER, key);
    return { ...key, kept: true };
  } catch {
    return { ...key, kept: false };
  }
}
