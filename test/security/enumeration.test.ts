import fs from 'node:fs';
import path from 'node:path';
import type { KyselyPlugin } from 'kysely';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Store } from '../../src/db/database.js';
import { SubscriptionService } from '../../src/digests/subscriptions.service.js';
import { createApp } from '../../src/web/app.js';
import { confirmedSubscriber } from '../digests/fixtures.js';
import { startSmtpSink, type SmtpSink } from '../digests/smtp-sink.js';
import { AccountService, SIGNUP_CONFLICT_MESSAGE, type PasswordHasher } from '../../src/accounts/accounts.service.js';
import { hashPassword, verifyPassword } from '../../src/accounts/password.js';
import { silentLogger } from '../../src/logger.js';
import { FileTransport } from '../../src/mail/file-transport.js';
import { RATE_LIMITS } from '../../src/security/rate-limit-store.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore, tempDir } from '../helpers/stores.js';
import { TEST_ENV, WebClient } from './web-client.js';

/** Argon2id as the app uses it, counting the calls, so a test can see that both paths do the same hashing. */
function countingHasher() {
  const calls = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    hash: (password) => {
      calls.hash += 1;
      return hashPassword(password);
    },
    verify: (hash, password) => {
      calls.verify += 1;
      return verifyPassword(hash, password);
    },
  };
  return { calls, hasher };
}

function mailFiles(dir: string): string[] {
  const mailDir = path.join(dir, 'mail');
  return fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')) : [];
}

function mailText(dir: string, name: string): string {
  return fs.readFileSync(path.join(dir, 'mail', name), 'utf8');
}

/** The page as a visitor sees it, without the parts that differ per request (CSRF token, echoed input). */
function comparable(html: string): string {
  return html.replace(/name="_csrf" value="[^"]*"/g, '').replace(/value="[^"]*"/g, 'value=""');
}

describeEachStore('account enumeration', (get) => {
  it('answers a sign-up with a taken username exactly like one with a taken email, and mails the address owner', async () => {
    const { app, config, deps } = await testApp(get(), TEST_ENV);
    await new WebClient(app).signUp('existing_owner', 'correct horse battery', 'owner@example.org');
    await deps.accounts.settled();
    const before = mailFiles(config.dataDir).length;

    const takenEmail = await new WebClient(app).submit('/signup', '/signup', {
      username: 'fresh_name',
      email: 'Owner@Example.org',
      password: 'another long password',
    });
    const takenName = await new WebClient(app).submit('/signup', '/signup', {
      username: 'Existing_Owner',
      email: 'fresh@example.org',
      password: 'another long password',
    });
    expect(takenEmail.status).toBe(422);
    expect(takenName.status).toBe(takenEmail.status);
    const emailPage = await takenEmail.text();
    expect(comparable(emailPage)).toBe(comparable(await takenName.text()));
    expect(emailPage).toContain(SIGNUP_CONFLICT_MESSAGE.slice(0, 40));
    expect(emailPage).not.toMatch(/already exists|is taken/);

    await deps.accounts.settled();
    const fresh = mailFiles(config.dataDir).slice(before);
    expect(fresh).toHaveLength(1);
    const notice = mailText(config.dataDir, fresh[0]!);
    expect(notice).toContain('To: owner@example.org');
    expect(notice).toContain('existing_owner');
  });

  it('answers /forgot identically for known and unknown addresses, and sends the mail off the response path', async () => {
    const { app, config, deps } = await testApp(get(), TEST_ENV);
    await new WebClient(app).signUp('reset_owner', 'correct horse battery', 'known@example.org');
    const known = await new WebClient(app).submit('/forgot', '/forgot', { email: 'known@example.org' });
    const unknown = await new WebClient(app).submit('/forgot', '/forgot', { email: 'unknown@example.org' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(comparable(await known.text())).toBe(comparable(await unknown.text()));
    await deps.accounts.settled();
    expect(mailFiles(config.dataDir).filter((f) => mailText(config.dataDir, f).includes('To: known@example.org'))).toHaveLength(1);
  });

  it('signs in the owner of a browser that logged in before even while the account budget is spent by others', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const owner = new WebClient(app);
    await owner.signUp('besieged', 'the real password', 'besieged@example.org');
    await owner.submit('/settings', '/logout', {});
    expect(owner.cookies.has('paperboy_device')).toBe(true);

    // Guesses from many addresses, half by username and half by email: one budget for the account.
    const statuses: number[] = [];
    for (let i = 0; i <= RATE_LIMITS.loginAccount.limit; i++) {
      const login = i % 2 === 0 ? 'Besieged' : 'BESIEGED@example.org';
      statuses.push((await new WebClient(app).logIn(login, `guess ${i}`)).status);
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // A new browser, even with the right password, waits out the window...
    expect((await new WebClient(app).logIn('besieged', 'the real password')).status).toBe(429);
    // ...but the owner's browser is not locked out, by either spelling.
    expect((await owner.logIn('besieged@example.org', 'the real password')).status).toBe(303);
    // A device cookie for another account, or a forged one, does not help.
    const stranger = new WebClient(app);
    stranger.cookies.set('paperboy_device', `${owner.cookies.get('paperboy_device')?.replace(/^\d+/, '999')}`);
    expect((await stranger.logIn('besieged', 'the real password')).status).toBe(429);
  });

  it('counts unknown names per spelling-insensitive name and answers them like known ones', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    await new WebClient(app).signUp('known_user', 'the real password', 'known_user@example.org');
    const known = await new WebClient(app).logIn('known_user', 'wrong password');
    const unknown = await new WebClient(app).logIn('nobody_here', 'wrong password');
    expect(known.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(comparable(await known.text())).toBe(comparable(await unknown.text()));
  });
});

describeEachStore('the same work for known and unknown accounts', (get) => {
  function service(dataDir: string, hasher: PasswordHasher) {
    return new AccountService({
      store: get().store,
      now: () => new Date('2026-05-01T00:00:00Z'),
      secret: 's'.repeat(40),
      mail: new FileTransport(dataDir, 'Paperboy <paperboy@paperboy.test>'),
      publicUrl: 'http://paperboy.test',
      logger: silentLogger,
      passwords: hasher,
    });
  }

  it('hashes the password on every sign-up that passes the format checks, taken or not', async () => {
    const { calls, hasher } = countingHasher();
    const dataDir = tempDir();
    const accounts = service(dataDir, hasher);
    expect((await accounts.signUp({ username: 'first_one', email: 'first@example.org', password: 'long enough pass' })).ok).toBe(true);
    expect(calls.hash).toBe(1);
    expect(await accounts.signUp({ username: 'first_one', email: 'other@example.org', password: 'long enough pass' })).toEqual({
      ok: false,
      errors: { form: SIGNUP_CONFLICT_MESSAGE },
    });
    expect(calls.hash).toBe(2);
    expect(await accounts.signUp({ username: 'second', email: 'FIRST@example.org', password: 'long enough pass' })).toEqual({
      ok: false,
      errors: { form: SIGNUP_CONFLICT_MESSAGE },
    });
    expect(calls.hash).toBe(3);
    await accounts.settled();
  });

  it('verifies a password hash for unknown accounts too', async () => {
    const { calls, hasher } = countingHasher();
    const accounts = service(tempDir(), hasher);
    await accounts.signUp({ username: 'verify_me', email: 'verify@example.org', password: 'long enough pass' });
    await accounts.authenticate('verify_me', 'wrong password');
    expect(calls.verify).toBe(1);
    await accounts.authenticate('no_such_user', 'wrong password');
    await accounts.authenticate('nobody@example.org', 'wrong password');
    expect(calls.verify).toBe(3);
  });

  it('returns from a reset request before looking the address up, for known and unknown addresses alike', async () => {
    const dataDir = tempDir();
    const accounts = service(dataDir, countingHasher().hasher);
    await accounts.signUp({ username: 'resetter', email: 'resetter@example.org', password: 'long enough pass' });
    for (const email of ['resetter@example.org', 'stranger@example.org']) {
      await accounts.requestPasswordReset(email);
      // Nothing has been looked up or sent yet when the caller gets control back (no I/O wait happens in between).
      expect(mailFiles(dataDir)).toHaveLength(0);
    }
    await accounts.settled();
    expect(mailFiles(dataDir)).toHaveLength(1);
    expect(await get().store.db.selectFrom('password_resets').select('user_id').execute()).toHaveLength(1);
    await get().store.db.deleteFrom('password_resets').execute();
  });
});

/** Counts the statements a Kysely instance runs, so a test can see when, and whether, the store is used. */
function countingStore(store: Store): { store: Store; queries: () => number } {
  let count = 0;
  const counter: KyselyPlugin = {
    transformQuery(args) {
      count += 1;
      return args.node;
    },
    transformResult(args) {
      return Promise.resolve(args.result);
    },
  };
  const counted: Store = {
    db: store.db.withPlugin(counter),
    capabilities: store.capabilities,
    description: store.description,
    sizeBytes: () => store.sizeBytes(),
    openChannel: store.openChannel,
    close: () => store.close(),
  };
  return { store: counted, queries: () => count };
}

describeEachStore('subscribing does not tell who subscribes', (get) => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
  });

  /** The app with a subscription service whose store calls are counted. */
  async function countedApp() {
    const { config, deps } = await testApp(get(), { ...TEST_ENV, SMTP_URL: sink.url, PAPERBOY_SCHEDULER: 'off' });
    const counted = countingStore(get().store);
    const subscriptions = new SubscriptionService(
      counted.store,
      deps.mail,
      deps.secret,
      config.publicUrl,
      deps.now,
      deps.writes,
      silentLogger,
    );
    return { app: createApp(config, { ...deps, subscriptions }), deps, subscriptions, queries: counted.queries };
  }

  /** One address in each state the subscribe form can meet: new, pending (mailed minutes ago), confirmed, unsubscribed. */
  async function addressesInEveryState(prefix: string, deps: AppDeps) {
    const addresses = {
      new: `${prefix}-new@example.org`,
      pending: `${prefix}-pending@example.org`,
      confirmed: `${prefix}-confirmed@example.org`,
      unsubscribed: `${prefix}-left@example.org`,
    };
    deps.subscriptions.subscribe({ email: addresses.pending, frequency: 'daily', topics: null });
    await deps.subscriptions.settled();
    await confirmedSubscriber(get().store, addresses.confirmed);
    const left = await confirmedSubscriber(get().store, addresses.unsubscribed);
    await get().store.db.updateTable('subscriptions').set({ status: 'unsubscribed' }).where('id', '=', left).execute();
    return addresses;
  }

  function mailsTo(address: string): number {
    return sink.received.filter((m) => m.to.includes(address)).length;
  }

  const RELEVANT_HEADERS = ['content-type', 'content-length', 'cache-control', 'location', 'set-cookie', 'vary'];

  function answerOf(response: Response, body: string, address: string) {
    return {
      status: response.status,
      headers: RELEVANT_HEADERS.map((name) => [name, response.headers.get(name)]),
      body: body.replaceAll(address, 'ADDRESS'),
    };
  }

  it('answers the JSON API byte for byte the same for every state, touching the store only after the answer', async () => {
    const { app, deps, subscriptions, queries } = await countedApp();
    const addresses = await addressesInEveryState('api', deps);
    const before = { mails: sink.received.length, queries: queries() };
    const answers = [];
    for (const [i, email] of Object.values(addresses).entries()) {
      const response = await app.request('/api/subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${40 + i}` },
        body: JSON.stringify({ email, frequency: 'weekly' }),
      });
      // Nothing was looked up, written or sent when the answer was ready.
      expect(queries()).toBe(before.queries);
      answers.push({ ...answerOf(response, await response.text(), email), queriesBeforeAnswer: queries() - before.queries });
    }
    expect(sink.received.length).toBe(before.mails);
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(202);

    await subscriptions.settled();
    // Every state had its lookup afterwards; only the new and the unsubscribed address are mailed a confirmation.
    expect(queries() - before.queries).toBeGreaterThanOrEqual(4);
    expect(mailsTo(addresses.new)).toBe(1);
    expect(mailsTo(addresses.pending)).toBe(1);
    expect(mailsTo(addresses.confirmed)).toBe(0);
    expect(mailsTo(addresses.unsubscribed)).toBe(1);
  });

  it('answers the form the same for every state but the echoed address, and the confirmation mail arrives after settled()', async () => {
    const { app, deps, subscriptions, queries } = await countedApp();
    const addresses = await addressesInEveryState('form', deps);
    const client = new WebClient(app);
    await client.get('/');
    const before = queries();
    const answers = [];
    for (const email of Object.values(addresses)) {
      const response = await client.submit('/', '/subscribe', { email, frequency: 'daily' });
      expect(queries()).toBe(before);
      answers.push(answerOf(response, await response.text(), email));
    }
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0]);
    expect(answers[0]!.status).toBe(202);
    expect(answers[0]!.body).toContain('Check your inbox');

    await subscriptions.settled();
    const [mail] = await Promise.all(sink.received.filter((m) => m.to.includes(addresses.new)).map((m) => simpleParser(m.raw)));
    expect(mail!.subject).toBe('Confirm your Paperboy subscription');
    expect(mail!.text).toMatch(/http:\/\/paperboy\.test\/confirm\/[\w-]{20,}/);
    const row = await get().store.db.selectFrom('subscriptions').selectAll().where('email', '=', addresses.new).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(mailsTo(addresses.confirmed)).toBe(0);
  });
});
