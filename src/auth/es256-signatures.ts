/**
 * The one canonical form of an ES256 signature, for every JWT Tessera signs with its signing key
 * (access tokens, acceptance hand-offs) and the access tokens it verifies.
 */

/** The order n of P-256's base point: (r, s) and (r, n - s) are both valid ES256 signatures. */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const HALF_P256_ORDER = P256_ORDER / 2n;
const ES256_SIGNATURE_BYTES = 64;

function bigIntOf(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/**
 * The compact JWS with s in the low half. ECDSA signatures are malleable: anyone can turn a valid
 * (r, s) into the equally valid (r, n - s), a different token for the same claims. Tessera accepts
 * only low s, so it must sign that way too; Node's ECDSA does not, half the time.
 */
export function withLowS(jws: string): string {
  const at = jws.lastIndexOf('.');
  const signature = Buffer.from(jws.slice(at + 1), 'base64url');
  const s = bigIntOf(signature.subarray(32));
  if (s <= HALF_P256_ORDER) return jws;
  signature.set(Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return `${jws.slice(0, at + 1)}${signature.toString('base64url')}`;
}

/**
 * Whether the token's signature is in its one canonical form: exactly 64 bytes r || s, with r in
 * [1, n - 1] and s in [1, n / 2], written in canonical base64url (the last character of a 64-byte
 * value has 4 bits that decode to nothing; a variant of it would be another token string). Only
 * then is each valid token one string, and a malleated copy never a token of its own.
 */
export function hasCanonicalSignature(token: string): boolean {
  const encoded = token.slice(token.lastIndexOf('.') + 1);
  const signature = Buffer.from(encoded, 'base64url');
  if (signature.length !== ES256_SIGNATURE_BYTES || signature.toString('base64url') !== encoded) return false;
  const r = bigIntOf(signature.subarray(0, 32));
  const s = bigIntOf(signature.subarray(32));
  return r >= 1n && r < P256_ORDER && s >= 1n && s <= HALF_P256_ORDER;
}
