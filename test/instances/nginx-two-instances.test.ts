import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDemoIfEmpty } from '../../src/demo/seed.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildDeps } from '../../src/runtime.js';
import { planPeriod } from '../../src/digests/planner.js';
import { periodContaining } from '../../src/feed/period.js';
import { messageIdOf, startSmtpSink, type SmtpSink } from '../digests/smtp-sink.js';
import {
  freePort,
  nginxAvailable,
  NGINX_BINARY,
  startNginx,
  startServe,
  type NginxProcess,
  type ServeProcess,
} from '../helpers/cluster.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
import { createPostgresDatabase, postgresAvailable, tempDir } from '../helpers/stores.js';

if (process.env.CI === 'true' && !nginxAvailable)
  throw new Error(`nginx is missing at ${NGINX_BINARY}; under CI=true this suite must run.`);
const run = postgresAvailable && nginxAvailable ? describe : describe.skip;

const SUBMITTED = {
  id: '2611.00042',
  title: 'Load Balancing Considered Helpful',
  abstract: 'Two instances behind one proxy answer as one.',
  authors: ['Ada Lovelace'],
  categories: ['cs.DC'],
  published: '2026-11-02T00:00:00Z',
};

/** A browser over real HTTP: keeps cookies (127.0.0.1 shares them across ports, like browsers do) and never follows redirects. */
class Browser {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(pair.slice(0, eq).trim());
      else this.cookies.set(pair.slice(0, eq).trim(), value);
    }
    return response;
  }

  async page(url: string): Promise<string> {
    const response = await this.request(url);
    const html = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    return html;
  }

  post(url: string, fields: Record<string, string>): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
}

function csrfIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF field in the page');
  return match[1];
}

async function upvotesOf(base: string, paperId: string): Promise<number> {
  const response = await fetch(`${base}/api/daily_papers?limit=100`);
  const listing = (await response.json()) as { paper: { id: string; upvotes: number } }[];
  const entry = listing.find((e) => e.paper.id === paperId);
  if (!entry) throw new Error(`${paperId} is not on the latest day at ${base}`);
  return entry.paper.upvotes;
}

/** The mail as text, with quoted-printable soft line breaks and `=3D` undone. */
function mailText(raw: Buffer): string {
  return raw
    .toString('utf8')
    .replace(/=\r?\n/g, '')
    .replace(/=3D/g, '=');
}

run('two paperboy serve processes behind nginx on one PostgreSQL database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let sink: SmtpSink;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  let nginx: NginxProcess;
  let proxy: string;
  const instances: ServeProcess[] = [];
  const envs: Record<string, string>[] = [];
  const ports: number[] = [];
  const dataDirs: string[] = [];
  let nextUser = 0;

  const startInstance = async (i: number) => {
    instances[i] = await startServe(envs[i]!, ports[i]);
  };

  async function signUp(): Promise<Browser> {
    const browser = new Browser();
    nextUser += 1;
    const username = `reader${nextUser}`;
    const form = await browser.page(`${proxy}/signup`);
    const response = await browser.post(`${proxy}/signup`, {
      _csrf: csrfIn(form),
      username,
      email: `${username}@example.org`,
      password: 'correct horse battery staple',
    });
    expect(response.status).toBe(303);
    return browser;
  }

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const seedDir = tempDir('paperboy-seed-');
    dataDirs.push(seedDir);
    const store = openPostgres(database.url, 2);
    await migrateToLatest(store);
    await seedDemoIfEmpty(store);
    // The search model and vectors are built once here, as an instance that has run for a while has them; the
    // instances then load them instead of both training the same model at start.
    const deps = await buildDeps(loadConfig({ DATABASE_URL: database.url, PAPERBOY_DATA_DIR: seedDir }), store, silentLogger);
    await deps.search.whenReady();
    await deps.search.flush();
    await store.close();
    sink = await startSmtpSink();
    arxiv = await startFakeArxiv([SUBMITTED]);
    const proxyPort = await freePort();
    proxy = `http://127.0.0.1:${proxyPort}`;
    // Far from the send time in the zone chosen, so the schedulers plan nothing by themselves during the test.
    const timeZone = new Date().getUTCHours() >= 12 ? 'Etc/GMT+12' : 'UTC';
    for (let i = 0; i < 2; i++) {
      const dataDir = tempDir(`paperboy-instance-${i}-`);
      dataDirs.push(dataDir);
      envs.push({
        DATABASE_URL: database.url,
        PAPERBOY_DATA_DIR: dataDir,
        PUBLIC_URL: proxy,
        PAPERBOY_SECRET: 'one secret for every instance of this deployment',
        PAPERBOY_TRUST_PROXY: 'true',
        PAPERBOY_DEMO: 'false',
        PAPERBOY_FEED_SOURCES: 'none',
        PAPERBOY_ARXIV_API_URL: arxiv.url,
        SMTP_URL: sink.url,
        MAIL_FROM: 'Paperboy <news@paperboy.test>',
        PAPERBOY_DIGEST_TIME: '23:59',
        PAPERBOY_DIGEST_TIMEZONE: timeZone,
      });
      ports.push(await freePort());
    }
    await Promise.all([startInstance(0), startInstance(1)]);
    nginx = await startNginx(
      instances.map((instance) => instance.port),
      proxyPort,
    );
  }, 240_000);

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(instances.map((instance) => instance?.stop()));
    await sink?.close();
    await arxiv?.close();
    await database?.drop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('balances requests over both instances', async () => {
    for (let i = 0; i < 6; i++) expect((await fetch(`${proxy}/healthz`)).status).toBe(200);
    const upstreams = new Set([...nginx.accessLog().matchAll(/^GET \/healthz HTTP\/1\.1 200 (\S+)$/gm)].map((m) => m[1]));
    expect(upstreams).toEqual(new Set(instances.map((instance) => `127.0.0.1:${instance.port}`)));
  });

  it('signs up through the proxy; a vote on one instance shows on the other within a second, cached listings included', async () => {
    const reader = await signUp();
    const [first, second] = instances as [ServeProcess, ServeProcess];
    const listing = (await (await fetch(`${second.url}/api/daily_papers?limit=100`)).json()) as { paper: { id: string } }[];
    const paperId = listing.at(-1)!.paper.id;
    // The second instance has this listing and this paper page cached for anonymous visitors.
    const before = await upvotesOf(second.url, paperId);
    expect(await upvotesOf(second.url, paperId)).toBe(before);
    const countOnPage = async () =>
      Number(/data-vote-count="true">(\d+)</.exec(await (await fetch(`${second.url}/papers/${paperId}`)).text())?.[1]);
    expect(await countOnPage()).toBe(before);

    // Signed in through the proxy; the CSRF token comes from a page of the second instance and the vote goes
    // straight to the first: sessions and tokens hold on every instance.
    const token = csrfIn(await reader.page(`${second.url}/papers/${paperId}`));
    const voted = await reader.post(`${first.url}/papers/${paperId}/upvote`, { _csrf: token, action: 'add' });
    expect(voted.status).toBe(303);
    const votedAt = Date.now();
    let seen = before;
    while (seen !== before + 1 && Date.now() - votedAt < 1_000) {
      seen = await upvotesOf(second.url, paperId);
      if (seen !== before + 1) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen, 'the vote on the other instance, within a second').toBe(before + 1);
    expect(await countOnPage()).toBe(before + 1);
    // And through the proxy, whichever instance answers.
    for (let i = 0; i < 4; i++) expect(await upvotesOf(proxy, paperId)).toBe(before + 1);
  });

  it('submits a paper and comments on it through the proxy; both instances show them', async () => {
    const reader = await signUp();
    const form = await reader.page(`${proxy}/submit`);
    const submitted = await reader.post(`${proxy}/submit`, { _csrf: csrfIn(form), paper: SUBMITTED.id });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toContain(SUBMITTED.title);
    const page = await reader.page(`${proxy}/papers/${SUBMITTED.id}`);
    const commented = await reader.post(`${proxy}/papers/${SUBMITTED.id}/comments`, {
      _csrf: csrfIn(page),
      body: 'Does it survive one instance restarting?',
      parent_id: '',
    });
    expect(commented.status).toBe(303);
    for (const instance of instances) {
      const html = await (await fetch(`${instance.url}/papers/${SUBMITTED.id}`)).text();
      expect(html).toContain(SUBMITTED.title);
      expect(html).toContain('Does it survive one instance restarting?');
    }
  }, 90_000);

  it('sends a planned digest exactly once although both instances run the scheduler', async () => {
    const email = 'subscriber@example.org';
    const visitor = new Browser();
    const front = await visitor.page(`${proxy}/`);
    expect((await visitor.post(`${proxy}/subscribe`, { _csrf: csrfIn(front), email, frequency: 'daily' })).status).toBe(202);
    const mailsTo = () => sink.received.filter((mail) => mail.to.includes(email));
    const deadline = Date.now() + 20_000;
    while (mailsTo().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const confirmation = mailsTo()[0];
    expect(confirmation, 'the confirmation mail').toBeDefined();
    const link = /\/confirm\/[\w-]+/.exec(mailText(confirmation!.raw))![0];
    const confirmPage = await visitor.page(`${proxy}${link}`);
    const confirmed = await visitor.post(`${proxy}${link}`, { _csrf: csrfIn(confirmPage) });
    expect(await confirmed.text()).toContain('You are subscribed');

    // A period with papers is planned into the outbox; both schedulers then find it at their first round.
    const store = openPostgres(database.url, 2);
    try {
      const latest = await store.db
        .selectFrom('feed_entries')
        .select((eb) => eb.fn.max('day').as('day'))
        .executeTakeFirstOrThrow();
      const plan = await planPeriod(store, periodContaining('daily', String(latest.day)), {
        now: new Date(),
        messageIdHost: '127.0.0.1',
        topicMatcher: null,
      });
      expect(plan.planned).toBe(1);
      await Promise.all(instances.map((instance) => instance.stop()));
      await Promise.all([startInstance(0), startInstance(1)]);

      const digestDeadline = Date.now() + 60_000;
      while (mailsTo().length < 2 && Date.now() < digestDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
      // Both schedulers have had their first round (they start it at once); a duplicate would have arrived by now.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const digests = mailsTo().slice(1);
      expect(digests).toHaveLength(1);
      const outbox = await store.db.selectFrom('digest_outbox').select(['message_id', 'status']).execute();
      expect(outbox).toEqual([{ message_id: messageIdOf(digests[0]!.raw), status: 'sent' }]);
    } finally {
      await store.close();
    }
    // The restarted instances serve through the proxy again.
    expect((await fetch(`${proxy}/readyz`)).status).toBe(200);
  }, 180_000);
});
