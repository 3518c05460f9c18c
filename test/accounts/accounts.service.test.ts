import { expect, it } from 'vitest';
import { AccountService, SIGNUP_CONFLICT_MESSAGE } from '../../src/accounts/accounts.service.js';
import { FileTransport } from '../../src/mail/file-transport.js';
import { silentLogger } from '../../src/logger.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('AccountService', (get) => {
  let clock = new Date('2026-02-01T12:00:00Z');
  const service = () =>
    new AccountService({
      store: get().store,
      now: () => clock,
      secret: 'x'.repeat(48),
      mail: new FileTransport(get().dataDir, 'Paperboy <paperboy@paperboy.test>'),
      publicUrl: 'http://paperboy.test',
      logger: silentLogger,
    });

  it('stores passwords as argon2id hashes, never in clear', async () => {
    const result = await service().signUp({ username: 'hashed', email: 'Hashed@Example.org', password: 'a long enough password' });
    expect(result.ok).toBe(true);
    const row = await get().store.db.selectFrom('users').selectAll().where('username', '=', 'hashed').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    expect(row.password_hash).not.toContain('a long enough password');
    expect(row.email).toBe('hashed@example.org');
    expect(row.is_admin).toBe(0);
    expect(row.banned).toBe(0);
  });

  it('validates sign-up input and names each bad field', async () => {
    const result = await service().signUp({ username: 'a', email: 'not-an-email', password: 'short' });
    expect(result).toEqual({
      ok: false,
      errors: {
        username: expect.stringContaining('3–31 characters'),
        email: 'Please enter a valid email address.',
        password: expect.stringContaining('at least 10'),
      },
    });
    expect((await service().signUp({ username: 'Admin', email: 'admin@example.org', password: 'long enough pass' })).ok).toBe(false);
    expect((await service().signUp({ username: '<script>', email: 's@example.org', password: 'long enough pass' })).ok).toBe(false);
  });

  it('keeps usernames unique regardless of case and emails unique after lower-casing, in the database too', async () => {
    const accounts = service();
    expect((await accounts.signUp({ username: 'MixedCase', email: 'mixed@example.org', password: 'long enough pass' })).ok).toBe(true);
    expect(await accounts.signUp({ username: 'mixedcase', email: 'other@example.org', password: 'long enough pass' })).toEqual({
      ok: false,
      errors: { form: SIGNUP_CONFLICT_MESSAGE },
    });
    expect(await accounts.signUp({ username: 'another', email: 'MIXED@example.org', password: 'long enough pass' })).toEqual({
      ok: false,
      errors: { form: SIGNUP_CONFLICT_MESSAGE },
    });
    // The unique index holds even when the service's check is bypassed (two racing sign-ups).
    await expect(
      get()
        .store.db.insertInto('users')
        .values({ username: 'MIXEDCASE', email: 'third@example.org', password_hash: 'x', created_at: clock.toISOString() })
        .execute(),
    ).rejects.toThrow();
  });

  it('authenticates by username (any case) or email, and refuses banned users', async () => {
    const accounts = service();
    await accounts.signUp({ username: 'LoginUser', email: 'login@example.org', password: 'the right password' });
    expect((await accounts.authenticate('loginuser', 'the right password')).ok).toBe(true);
    expect((await accounts.authenticate('LOGIN@example.org', 'the right password')).ok).toBe(true);
    expect(await accounts.authenticate('LoginUser', 'the wrong password')).toEqual({
      ok: false,
      errors: { form: 'Wrong username or password.' },
    });

    const session = await accounts.createSession((await accounts.findUser('LoginUser'))!.id);
    expect((await accounts.resolveSession(session.token))?.user.username).toBe('LoginUser');
    await accounts.setBanned('loginuser', true);
    expect(await accounts.authenticate('LoginUser', 'the right password')).toEqual({
      ok: false,
      errors: { form: 'This account has been suspended.' },
    });
    expect(await accounts.resolveSession(session.token)).toBeNull();
    await accounts.setBanned('loginuser', false);
    expect((await accounts.authenticate('LoginUser', 'the right password')).ok).toBe(true);
  });

  it('creates, lists, resolves and revokes API tokens, storing only their digest', async () => {
    const accounts = service();
    const signUp = await accounts.signUp({ username: 'tokens', email: 'tokens@example.org', password: 'long enough pass' });
    if (!signUp.ok) throw new Error('sign-up failed');
    const userId = signUp.value.id;
    const created = await accounts.createApiToken(userId, 'laptop');
    if (!created.ok) throw new Error('token creation failed');
    expect(created.value.token).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    const rows = await get().store.db.selectFrom('api_tokens').select('token_hash').where('user_id', '=', userId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toContain(created.value.token.slice(3));

    expect((await accounts.resolveApiToken(created.value.token))?.user.username).toBe('tokens');
    expect(await accounts.resolveApiToken(`${created.value.token}x`)).toBeNull();
    const listed = await accounts.listApiTokens(userId);
    expect(listed).toEqual([
      {
        id: created.value.info.id,
        name: 'laptop',
        scopes: ['read', 'write'],
        createdAt: clock.toISOString(),
        lastUsedAt: clock.toISOString(),
      },
    ]);

    expect(await accounts.createApiToken(userId, '   ')).toMatchObject({ ok: false });
    const other = await accounts.signUp({ username: 'thief', email: 'thief@example.org', password: 'long enough pass' });
    if (!other.ok) throw new Error('sign-up failed');
    expect(await accounts.revokeApiToken(other.value.id, created.value.info.id)).toBe(false);
    expect(await accounts.revokeApiToken(userId, created.value.info.id)).toBe(true);
    expect(await accounts.resolveApiToken(created.value.token)).toBeNull();
  });

  it('grants and revokes admin rights', async () => {
    const accounts = service();
    await accounts.signUp({ username: 'boss', email: 'boss@example.org', password: 'long enough pass' });
    expect((await accounts.findUser('boss'))?.isAdmin).toBe(false);
    expect((await accounts.setAdmin('BOSS', true))?.isAdmin).toBe(true);
    expect((await accounts.findUser('boss'))?.isAdmin).toBe(true);
    expect((await accounts.setAdmin('boss', false))?.isAdmin).toBe(false);
    expect(await accounts.setAdmin('nobody-at-all', true)).toBeNull();
  });

  it('changes the password only with the current one, and logs out the other sessions', async () => {
    const accounts = service();
    const signUp = await accounts.signUp({ username: 'changer', email: 'changer@example.org', password: 'original password' });
    if (!signUp.ok) throw new Error('sign-up failed');
    const here = await accounts.createSession(signUp.value.id);
    const elsewhere = await accounts.createSession(signUp.value.id);
    const current = await accounts.resolveSession(here.token);
    expect(await accounts.changePassword(signUp.value.id, 'not it', 'new password here', current?.id)).toMatchObject({ ok: false });
    expect((await accounts.changePassword(signUp.value.id, 'original password', 'new password here', current?.id)).ok).toBe(true);
    expect(await accounts.resolveSession(here.token)).not.toBeNull();
    expect(await accounts.resolveSession(elsewhere.token)).toBeNull();
    expect((await accounts.authenticate('changer', 'new password here')).ok).toBe(true);
    expect((await accounts.authenticate('changer', 'original password')).ok).toBe(false);
  });

  it('changes the email address after checking the password and uniqueness', async () => {
    const accounts = service();
    const signUp = await accounts.signUp({ username: 'mover', email: 'mover@example.org', password: 'long enough pass' });
    await accounts.signUp({ username: 'squatter', email: 'taken@example.org', password: 'long enough pass' });
    if (!signUp.ok) throw new Error('sign-up failed');
    expect(await accounts.changeEmail(signUp.value.id, 'long enough pass', 'TAKEN@example.org')).toMatchObject({
      ok: false,
      errors: { email: expect.any(String) },
    });
    expect(await accounts.changeEmail(signUp.value.id, 'wrong', 'new@example.org')).toMatchObject({
      ok: false,
      errors: { currentPassword: expect.any(String) },
    });
    expect(await accounts.changeEmail(signUp.value.id, 'long enough pass', 'New@Example.org')).toMatchObject({
      ok: true,
      value: { email: 'new@example.org' },
    });
  });

  it('slides the session expiry forward on use, without writing on every request', async () => {
    const accounts = service();
    const signUp = await accounts.signUp({ username: 'slider', email: 'slider@example.org', password: 'long enough pass' });
    if (!signUp.ok) throw new Error('sign-up failed');
    clock = new Date('2026-02-01T12:00:00Z');
    const session = await accounts.createSession(signUp.value.id);
    clock = new Date('2026-02-25T12:00:00Z');
    expect(await accounts.resolveSession(session.token)).not.toBeNull();
    clock = new Date('2026-03-20T12:00:00Z');
    expect(await accounts.resolveSession(session.token)).not.toBeNull();
    clock = new Date('2026-05-01T12:00:00Z');
    expect(await accounts.resolveSession(session.token)).toBeNull();
    expect(await accounts.deleteExpiredSessions()).toBeGreaterThanOrEqual(1);
    clock = new Date('2026-02-01T12:00:00Z');
  });
});
