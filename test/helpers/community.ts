import { expect } from 'vitest';
import type { User } from '../../src/accounts/user.js';
import type { Actor } from '../../src/community/community-deps.js';
import { Refused } from '../../src/refused.js';
import { csrfTokenFor } from '../../src/web/middleware/auth.js';
import type { AppDeps } from '../../src/app-deps.js';

export interface SignedIn {
  readonly user: User;
  /** Cookie header value for the session. */
  readonly cookie: string;
  readonly csrf: string;
  /** Headers for a form POST as this user. */
  form(fields: Record<string, string>): { method: 'POST'; headers: Record<string, string>; body: string };
}

let counter = 0;

/** Signs a user up through the real account service and opens a real session for them. */
export async function signedInUser(deps: AppDeps, options: { username?: string; admin?: boolean } = {}): Promise<SignedIn> {
  counter += 1;
  const username = options.username ?? `user${process.pid % 1000}x${counter}`;
  const outcome = await deps.accounts.signUp({
    username,
    email: `${username.toLowerCase()}@example.org`,
    password: 'correct horse battery staple',
  });
  if (!outcome.ok) throw new Error(`sign-up failed: ${JSON.stringify(outcome.errors)}`);
  let user = outcome.value;
  if (options.admin) user = (await deps.accounts.setAdmin(username, true))!;
  const session = await deps.accounts.createSession(user.id);
  const cookie = `paperboy_session=${session.token}`;
  const csrf = csrfTokenFor(deps.secret, `session:${session.csrfSecret}`);
  return {
    user,
    cookie,
    csrf,
    form: (fields) => ({
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    }),
  };
}

/** Signs a user up through the real account service and returns them as the actor a use-case takes. */
export async function actorAccount(deps: AppDeps, username: string, options: { admin?: boolean; banned?: boolean } = {}): Promise<Actor> {
  const outcome = await deps.accounts.signUp({ username, email: `${username}@example.org`, password: 'correct horse battery staple' });
  if (!outcome.ok) throw new Error(`sign-up failed: ${JSON.stringify(outcome.errors)}`);
  if (options.admin) await deps.accounts.setAdmin(username, true);
  if (options.banned) await deps.accounts.setBanned(username, true);
  return { id: outcome.value.id, isAdmin: options.admin ?? false, banned: options.banned ?? false };
}

/** The code of the refusal a use-case answered with; fails the test when it did not refuse. */
export async function refusalCode(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Refused);
  return (error as Refused).code;
}
