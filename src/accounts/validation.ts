/** Input checks for account forms. Each returns a message meant for the person filling in the form, or null. */
import { containsUnsafeText } from '../security/text-safety.js';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{1,29}[A-Za-z0-9]$/;
export const PASSWORD_MIN_LENGTH = 10;
/** Argon2 hashes any length, but a megabyte password would be a cheap way to burn CPU. */
export const PASSWORD_MAX_LENGTH = 200;

const RESERVED_USERNAMES = new Set([
  'admin',
  'administrator',
  'root',
  'paperboy',
  'api',
  'settings',
  'login',
  'logout',
  'signup',
  'support',
]);

export function usernameProblem(username: string): string | null {
  if (containsUnsafeText(username)) return 'Usernames cannot contain control or text-direction characters.';
  if (!USERNAME_PATTERN.test(username)) {
    return 'Usernames are 3–31 characters: letters, digits, "-" and "_", starting and ending with a letter or digit.';
  }
  if (RESERVED_USERNAMES.has(username.toLowerCase())) return 'That username is reserved; please pick another.';
  return null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): string | null {
  if (email.length > 254 || containsUnsafeText(email) || !/^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;.]+$/.test(email)) {
    return 'Please enter a valid email address.';
  }
  return null;
}

export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Passwords need at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Passwords can have at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}
