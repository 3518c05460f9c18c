import { constantTimeEqual, hmac } from '../security/tokens.js';

/**
 * One-click unsubscribe links of notification emails carry `<user id>.<HMAC(secret, id + address)>`: a token only
 * works for the address it was sent to (changing the address voids old links), and nobody without the instance
 * secret can make one.
 */
const PURPOSE = 'notification-email-unsubscribe';

export function notificationEmailToken(secret: string, userId: number, email: string): string {
  return `${userId}.${hmac(secret, PURPOSE, `${userId}\0${email}`)}`;
}

/** The user id a token names, before its signature is checked against the account's address. */
export function tokenUserId(token: string): number | null {
  const match = /^(\d{1,15})\.([\w-]{20,})$/.exec(token);
  return match ? Number(match[1]) : null;
}

export function verifyNotificationEmailToken(secret: string, token: string, userId: number, email: string): boolean {
  return constantTimeEqual(token, notificationEmailToken(secret, userId, email));
}
