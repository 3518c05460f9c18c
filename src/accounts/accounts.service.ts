import type { Store } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { MailTransport } from '../mail/transport.js';
import { DeferredWork } from '../security/deferred-work.js';
import { stripUnsafeText } from '../security/text-safety.js';
import { randomToken, signToken, tokenDigest, verifySignedToken } from '../security/tokens.js';
import { deserializeScopes, normalizeScopes, serializeScopes, type ApiScope } from './api-scopes.js';
import * as apiTokens from './api-tokens.repository.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.js';
import * as resets from './password-resets.repository.js';
import * as sessions from './sessions.repository.js';
import type { User } from './user.js';
import * as users from './users.repository.js';
import { emailProblem, normalizeEmail, passwordProblem, usernameProblem } from './validation.js';

export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
/** last_seen_at (and the sliding expiry) is written at most this often per session, not on every request. */
const SESSION_TOUCH_INTERVAL_MS = 10 * 60 * 1000;
export const RESET_LIFETIME_MS = 60 * 60 * 1000;
const API_TOKEN_TOUCH_INTERVAL_MS = 60 * 1000;
export const MAX_API_TOKENS_PER_USER = 20;
export const API_TOKEN_PREFIX = 'pb_';
const RESET_PURPOSE = 'password-reset';

export type FieldErrors = Partial<
  Record<'username' | 'email' | 'password' | 'currentPassword' | 'name' | 'scopes' | 'confirmation' | 'form', string>
>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface NewSession {
  /** The secret that goes into the cookie; only its digest is stored. */
  readonly token: string;
  readonly csrfSecret: string;
  readonly expiresAt: string;
}

export interface ActiveSession {
  readonly id: string;
  readonly csrfSecret: string;
  readonly user: User;
  /** True when this lookup pushed the expiry forward, so the cookie's lifetime should be renewed too. */
  readonly renewed: boolean;
}

export interface ApiTokenInfo {
  readonly id: number;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/** The owner of a Bearer token and what the token may do. */
export interface ApiTokenGrant {
  readonly user: User;
  readonly scopes: readonly ApiScope[];
}

/** How passwords are hashed and checked; argon2id (password.ts) unless a caller wraps it, e.g. to count calls. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

export interface AccountServiceDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly secret: string;
  readonly mail: MailTransport;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly passwords?: PasswordHasher;
}

/**
 * The one answer to a sign-up whose username or email address is already registered: it does not say which, and
 * the owner of a registered address is told by mail instead.
 */
export const SIGNUP_CONFLICT_MESSAGE =
  'That username or email address cannot be used for a new account. If you already have one, log in or reset your password.';

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(String(e?.message));
}

/** Sign-up, log-in, sessions, password resets, API tokens and the admin switches. */
export class AccountService {
  private readonly passwords: PasswordHasher;
  /** Mails whose sending must not show in response times (reset links, sign-up notices). */
  private readonly deferred: DeferredWork;

  constructor(private readonly deps: AccountServiceDeps) {
    this.passwords = deps.passwords ?? { hash: hashPassword, verify: verifyPassword };
    this.deferred = new DeferredWork((error) =>
      deps.logger.error('account mail failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** Resolves once every mail started so far has been sent (or has failed and been logged). */
  settled(): Promise<void> {
    return this.deferred.settled();
  }

  private get db() {
    return this.deps.store.db;
  }

  private nowIso(offsetMs = 0): string {
    return new Date(this.deps.now().getTime() + offsetMs).toISOString();
  }

  /**
   * Creates an account. Format problems are reported per field; a username or address that is already registered
   * gets SIGNUP_CONFLICT_MESSAGE whichever it is, after the same password hashing a successful sign-up does, and
   * the owner of a registered address gets a mail (off the response path) saying someone tried.
   */
  async signUp(input: { username: string; email: string; password: string }): Promise<Outcome<User>> {
    const username = input.username.trim();
    const email = normalizeEmail(input.email);
    const errors: FieldErrors = {};
    const usernameError = usernameProblem(username);
    const emailError = emailProblem(email);
    const passwordError = passwordProblem(input.password);
    if (usernameError) errors.username = usernameError;
    if (emailError) errors.email = emailError;
    if (passwordError) errors.password = passwordError;
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const passwordHash = await this.passwords.hash(input.password);
    const taken = await users.usernameOrEmailTaken(this.db, username, email);
    if (taken.username || taken.email) {
      if (taken.email) this.deferred.run(() => this.mailSignUpAttempt(email));
      return { ok: false, errors: { form: SIGNUP_CONFLICT_MESSAGE } };
    }
    try {
      const row = await users.insertUser(this.db, { username, email, passwordHash, createdAt: this.nowIso() });
      return { ok: true, value: users.toUser(row) };
    } catch (error) {
      // Two sign-ups raced for the same name or address; the unique indexes decided.
      if (isUniqueViolation(error)) return { ok: false, errors: { form: SIGNUP_CONFLICT_MESSAGE } };
      throw error;
    }
  }

  private async mailSignUpAttempt(email: string): Promise<void> {
    const row = await users.findUserByEmail(this.db, email);
    if (!row || row.banned === 1) return;
    await this.deps.mail.send({
      to: row.email,
      subject: 'Someone tried to sign up to Paperboy with your address',
      text: [
        `Hello ${row.username},`,
        '',
        'Someone (hopefully you) tried to create a new Paperboy account with this email address, which already belongs to',
        `your account "${row.username}". No new account was created.`,
        '',
        `To log in: ${this.deps.publicUrl}/login`,
        `If you forgot your password: ${this.deps.publicUrl}/forgot`,
        '',
        'If it was not you, you can ignore this mail.',
      ].join('\n'),
    });
  }

  /** Checks a username (or email) and password. Unknown accounts cost the same time as wrong passwords. */
  async authenticate(login: string, password: string): Promise<Outcome<User>> {
    const trimmed = login.trim();
    const row = trimmed.includes('@')
      ? await users.findUserByEmail(this.db, normalizeEmail(trimmed))
      : await users.findUserByUsername(this.db, trimmed);
    const valid = await this.passwords.verify(row?.password_hash ?? (await decoyPasswordHash()), password);
    if (!row || !valid) return { ok: false, errors: { form: 'Wrong username or password.' } };
    if (row.banned === 1) return { ok: false, errors: { form: 'This account has been suspended.' } };
    return { ok: true, value: users.toUser(row) };
  }

  /**
   * The key a log-in attempt counts against, the same for the username and the email spelling of an account:
   * `user:<id>` for an account, and the lower-cased login for names nobody has.
   */
  async loginAccountKey(login: string): Promise<{ key: string; userId: number | null }> {
    const trimmed = login.trim();
    const row = trimmed.includes('@')
      ? await users.findUserByEmail(this.db, normalizeEmail(trimmed))
      : await users.findUserByUsername(this.db, trimmed);
    return row ? { key: `user:${row.id}`, userId: row.id } : { key: `unknown:${trimmed.toLowerCase()}`, userId: null };
  }

  async createSession(userId: number): Promise<NewSession> {
    const token = randomToken();
    const now = this.nowIso();
    const session = { token, csrfSecret: randomToken(), expiresAt: this.nowIso(SESSION_LIFETIME_MS) };
    // Log-ins are rare enough to carry the housekeeping: expired sessions go here (indexed on expires_at).
    await sessions.deleteExpiredSessions(this.db, now);
    await sessions.insertSession(this.db, {
      id: tokenDigest(token),
      user_id: userId,
      csrf_secret: session.csrfSecret,
      created_at: now,
      expires_at: session.expiresAt,
      last_seen_at: now,
    });
    return session;
  }

  /** The session a cookie token names, or null when unknown, expired, or its user is banned. */
  async resolveSession(token: string): Promise<ActiveSession | null> {
    const id = tokenDigest(token);
    const now = this.deps.now();
    const found = await sessions.findLiveSession(this.db, id, now.toISOString());
    if (!found || found.user.banned === 1) return null;
    const renewed = now.getTime() - Date.parse(found.session.last_seen_at) > SESSION_TOUCH_INTERVAL_MS;
    if (renewed) await sessions.touchSession(this.db, id, now.toISOString(), this.nowIso(SESSION_LIFETIME_MS));
    return { id, csrfSecret: found.session.csrf_secret, user: users.toUser(found.user), renewed };
  }

  async endSession(token: string): Promise<void> {
    await sessions.deleteSession(this.db, tokenDigest(token));
  }

  async findUser(username: string): Promise<User | null> {
    const row = await users.findUserByUsername(this.db, username);
    return row ? users.toUser(row) : null;
  }

  async findUserById(id: number): Promise<User | null> {
    const row = await users.findUserById(this.db, id);
    return row ? users.toUser(row) : null;
  }

  /**
   * Emails a single-use reset link when an account has this address. Says nothing either way, so the form
   * cannot be used to find out who has an account, and returns before looking the address up: the lookup, the
   * reset row and the mail happen off the response path, so known and unknown addresses answer equally fast.
   */
  async requestPasswordReset(emailInput: string): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (emailProblem(email)) return;
    this.deferred.run(() => this.sendPasswordReset(email));
  }

  private async sendPasswordReset(email: string): Promise<void> {
    const row = await users.findUserByEmail(this.db, email);
    if (!row || row.banned === 1) return;
    await resets.deleteExpiredResets(this.db, this.nowIso());
    const value = randomToken();
    const token = signToken(this.deps.secret, RESET_PURPOSE, value);
    await resets.insertPasswordReset(this.db, {
      token_hash: tokenDigest(value),
      user_id: row.id,
      created_at: this.nowIso(),
      expires_at: this.nowIso(RESET_LIFETIME_MS),
      used_at: null,
    });
    const link = `${this.deps.publicUrl}/reset/${token}`;
    await this.deps.mail.send({
      to: row.email,
      subject: 'Reset your Paperboy password',
      text: [
        `Hello ${row.username},`,
        '',
        'Someone (hopefully you) asked to reset the password of your Paperboy account. Open this link to choose a new one:',
        '',
        link,
        '',
        'The link works once and expires in one hour. If you did not ask for it, ignore this mail: your password stays as it is.',
      ].join('\n'),
    });
  }

  private async liveReset(token: string) {
    const value = verifySignedToken(this.deps.secret, RESET_PURPOSE, token);
    if (value === null) return null;
    const row = await resets.findPasswordReset(this.db, tokenDigest(value));
    if (!row || row.used_at !== null || row.expires_at <= this.nowIso()) return null;
    return { ...row, value };
  }

  /** Whether a reset link can still be used (for showing the form). */
  async resetTokenIsValid(token: string): Promise<boolean> {
    return (await this.liveReset(token)) !== null;
  }

  /** Sets a new password from a reset link, once; every session of the user ends. */
  async resetPassword(token: string, password: string): Promise<Outcome<User>> {
    const problem = passwordProblem(password);
    if (problem) return { ok: false, errors: { password: problem } };
    const reset = await this.liveReset(token);
    if (!reset) return { ok: false, errors: { form: 'This reset link is invalid, expired or already used. Ask for a new one.' } };
    const passwordHash = await this.passwords.hash(password);
    const now = this.nowIso();
    const user = await this.db.transaction().execute(async (tx) => {
      if (!(await resets.consumePasswordReset(tx, reset.token_hash, now))) return null;
      await users.updateUser(tx, reset.user_id, { password_hash: passwordHash });
      await resets.invalidateUserResets(tx, reset.user_id, now);
      await sessions.deleteUserSessions(tx, reset.user_id);
      return users.findUserById(tx, reset.user_id);
    });
    if (!user) return { ok: false, errors: { form: 'This reset link is invalid, expired or already used. Ask for a new one.' } };
    return { ok: true, value: users.toUser(user) };
  }

  /** Changes the password after checking the current one; other sessions of the user end. */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepSessionId?: string): Promise<Outcome<null>> {
    const row = await users.findUserById(this.db, userId);
    if (!row) return { ok: false, errors: { form: 'No such account.' } };
    if (!(await this.passwords.verify(row.password_hash, currentPassword))) {
      return { ok: false, errors: { currentPassword: 'Your current password is not right.' } };
    }
    const problem = passwordProblem(newPassword);
    if (problem) return { ok: false, errors: { password: problem } };
    const passwordHash = await this.passwords.hash(newPassword);
    const now = this.nowIso();
    await this.db.transaction().execute(async (tx) => {
      await users.updateUser(tx, userId, { password_hash: passwordHash });
      await resets.invalidateUserResets(tx, userId, now);
      await sessions.deleteUserSessions(tx, userId, keepSessionId);
    });
    return { ok: true, value: null };
  }

  async changeEmail(userId: number, currentPassword: string, emailInput: string): Promise<Outcome<User>> {
    const email = normalizeEmail(emailInput);
    const problem = emailProblem(email);
    if (problem) return { ok: false, errors: { email: problem } };
    const row = await users.findUserById(this.db, userId);
    if (!row) return { ok: false, errors: { form: 'No such account.' } };
    if (!(await this.passwords.verify(row.password_hash, currentPassword))) {
      return { ok: false, errors: { currentPassword: 'Your current password is not right.' } };
    }
    if (row.email === email) return { ok: true, value: users.toUser(row) };
    const existing = await users.findUserByEmail(this.db, email);
    if (existing) return { ok: false, errors: { email: 'Another account uses that email address.' } };
    try {
      await users.updateUser(this.db, userId, { email });
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, errors: { email: 'Another account uses that email address.' } };
      throw error;
    }
    return { ok: true, value: users.toUser({ ...row, email }) };
  }

  /**
   * Creates a personal API token. The returned secret is shown once and never stored. Without `scopes` the token
   * may read and write (what every token could do before scopes existed).
   */
  async createApiToken(
    userId: number,
    nameInput: string,
    scopesInput: readonly ApiScope[] = ['read', 'write'],
  ): Promise<Outcome<{ token: string; info: ApiTokenInfo }>> {
    const name = stripUnsafeText(nameInput).trim();
    if (name.length < 1 || name.length > 60) return { ok: false, errors: { name: 'Give the token a name of 1–60 characters.' } };
    if ((await apiTokens.countApiTokens(this.db, userId)) >= MAX_API_TOKENS_PER_USER) {
      return { ok: false, errors: { name: `You can have at most ${MAX_API_TOKENS_PER_USER} tokens; revoke one first.` } };
    }
    const scopes = normalizeScopes(scopesInput);
    if (scopes.length === 0) return { ok: false, errors: { scopes: 'Choose what the token may do: read, or read and write.' } };
    const token = `${API_TOKEN_PREFIX}${randomToken()}`;
    const row = await apiTokens.insertApiToken(this.db, {
      userId,
      name,
      tokenHash: tokenDigest(token),
      scopes: serializeScopes(scopes),
      createdAt: this.nowIso(),
    });
    return { ok: true, value: { token, info: { id: row.id, name: row.name, scopes, createdAt: row.created_at, lastUsedAt: null } } };
  }

  async listApiTokens(userId: number): Promise<ApiTokenInfo[]> {
    const rows = await apiTokens.listApiTokens(this.db, userId);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      scopes: deserializeScopes(r.scopes),
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  revokeApiToken(userId: number, tokenId: number): Promise<boolean> {
    return apiTokens.deleteApiToken(this.db, userId, tokenId);
  }

  /** The user a Bearer token belongs to and its scopes, or null when unknown or the user is banned. */
  async resolveApiToken(token: string): Promise<ApiTokenGrant | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const found = await apiTokens.findApiTokenUser(this.db, tokenDigest(token));
    if (!found || found.user.banned === 1) return null;
    const now = this.deps.now();
    if (found.lastUsedAt === null || now.getTime() - Date.parse(found.lastUsedAt) > API_TOKEN_TOUCH_INTERVAL_MS) {
      await apiTokens.markApiTokenUsed(this.db, found.tokenId, now.toISOString());
    }
    return { user: users.toUser(found.user), scopes: deserializeScopes(found.scopes) };
  }

  /** Grants or revokes admin rights; null when there is no such user. */
  async setAdmin(username: string, isAdmin: boolean): Promise<User | null> {
    const row = await users.findUserByUsername(this.db, username);
    if (!row) return null;
    await users.updateUser(this.db, row.id, { is_admin: isAdmin ? 1 : 0 });
    return users.toUser({ ...row, is_admin: isAdmin ? 1 : 0 });
  }

  /** Bans (or unbans) a user. A ban ends every session at once; API tokens stop working while it lasts. */
  async setBanned(username: string, banned: boolean): Promise<User | null> {
    const row = await users.findUserByUsername(this.db, username);
    if (!row) return null;
    await this.db.transaction().execute(async (tx) => {
      await users.updateUser(tx, row.id, { banned: banned ? 1 : 0 });
      if (banned) await sessions.deleteUserSessions(tx, row.id);
    });
    return users.toUser({ ...row, banned: banned ? 1 : 0 });
  }

  deleteExpiredSessions(): Promise<number> {
    return sessions.deleteExpiredSessions(this.db, this.nowIso());
  }
}
