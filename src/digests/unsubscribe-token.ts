import { hmac, constantTimeEqual } from '../security/tokens.js';

/**
 * Unsubscribe links carry `<subscription id>.<HMAC(secret, id + address)>`. The signature covers the address, so a
 * token only ever works for the address it was made for, and nobody without the app secret can make one.
 */
const PURPOSE = 'digest-unsubscribe';

export function unsubscribeToken(secret: string, subscriptionId: number, email: string): string {
  return `${subscriptionId}.${hmac(secret, PURPOSE, `${subscriptionId}\0${email}`)}`;
}

/** The subscription id a token names, before its signature is checked against the stored address. */
export function tokenSubscriptionId(token: string): number | null {
  const match = /^(\d{1,15})\.([\w-]{20,})$/.exec(token);
  return match ? Number(match[1]) : null;
}

export function verifyUnsubscribeToken(secret: string, token: string, subscriptionId: number, email: string): boolean {
  return constantTimeEqual(token, unsubscribeToken(secret, subscriptionId, email));
}
