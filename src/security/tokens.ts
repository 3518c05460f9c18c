import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Digest under which high-entropy tokens (session ids, API tokens, reset tokens) are stored, so a leaked
 * database does not hand out working credentials. A plain hash suffices: the inputs are random, not guessable.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function hmac(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('base64url');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `value.signature`, for tokens handed to the outside world that must not be forgeable. */
export function signToken(secret: string, purpose: string, value: string): string {
  return `${value}.${hmac(secret, purpose, value)}`;
}

/** The value of a token made by signToken for the same purpose, or null when the signature does not match. */
export function verifySignedToken(secret: string, purpose: string, token: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const value = token.slice(0, dot);
  return constantTimeEqual(token.slice(dot + 1), hmac(secret, purpose, value)) ? value : null;
}
