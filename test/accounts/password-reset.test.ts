import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV, WebClient } from '../security/web-client.js';

async function mailsTo(dataDir: string, address: string): Promise<ParsedMail[]> {
  const dir = path.join(dataDir, 'mail');
  if (!fs.existsSync(dir)) return [];
  const mails = await Promise.all(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((f) => simpleParser(fs.readFileSync(path.join(dir, f)))),
  );
  return mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.value.some((v) => v.address === address));
}

function resetPath(mail: ParsedMail | undefined): string {
  const match = /http:\/\/paperboy\.test(\/reset\/[A-Za-z0-9_.-]+)/.exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no reset link in ${mail?.text}`);
  return match[1];
}

describeEachStore('password reset', (get) => {
  it('emails a single-use link that sets a new password and ends the old sessions', async () => {
    const { app, config, deps } = await testApp(get(), TEST_ENV);
    const owner = new WebClient(app);
    await owner.signUp('forgetful', 'my old password', 'forgetful@example.org');

    const requester = new WebClient(app);
    const sent = await requester.submit('/forgot', '/forgot', { email: 'Forgetful@Example.org' });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('If an account uses that address');
    await deps.accounts.settled();
    const mails = await mailsTo(config.dataDir, 'forgetful@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('Reset your Paperboy password');
    const link = resetPath(mails[0]);

    const form = await requester.get(link);
    expect(form.status).toBe(200);
    expect(form.headers.get('cache-control')).toBe('no-store');
    const done = await requester.submit(link, link, { password: 'my new password' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/settings?notice=password-reset');
    expect((await requester.get('/settings')).status).toBe(200);

    // Used once: the same link is now dead, for viewing and for posting.
    expect((await new WebClient(app).get(link)).status).toBe(410);
    const again = new WebClient(app);
    const token = /name="_csrf" value="([^"]+)"/.exec(await (await again.get('/forgot')).text())?.[1] ?? '';
    expect((await again.post(link, { _csrf: token, password: 'attacker password' })).status).toBe(410);

    // The session the owner had before the reset is gone; only the new password works.
    expect((await owner.get('/settings')).status).toBe(303);
    expect((await new WebClient(app).logIn('forgetful', 'my old password')).status).toBe(401);
    expect((await new WebClient(app).logIn('forgetful', 'my new password')).status).toBe(303);
  });

  it('answers the same for unknown addresses and sends nothing', async () => {
    const { app, config, deps } = await testApp(get(), TEST_ENV);
    const response = await new WebClient(app).submit('/forgot', '/forgot', { email: 'nobody@example.org' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('If an account uses that address');
    await deps.accounts.settled();
    expect(await mailsTo(config.dataDir, 'nobody@example.org')).toHaveLength(0);
  });

  it('refuses forged and expired links', async () => {
    let clock = new Date('2026-03-01T10:00:00Z');
    const { app, config, deps } = await testApp(get(), TEST_ENV, { now: () => clock });
    await new WebClient(app).signUp('expiry_user', 'my old password', 'expiry@example.org');
    const client = new WebClient(app);
    await client.submit('/forgot', '/forgot', { email: 'expiry@example.org' });
    await deps.accounts.settled();
    const link = resetPath((await mailsTo(config.dataDir, 'expiry@example.org')).at(-1));

    // Same random part, made-up signature; and a well-formed token that was never issued.
    const [value] = link.slice('/reset/'.length).split('.');
    expect((await client.get(`/reset/${value}.${'A'.repeat(43)}`)).status).toBe(410);
    expect((await client.get('/reset/not-a-token')).status).toBe(410);

    clock = new Date('2026-03-01T10:59:00Z');
    expect((await client.get(link)).status).toBe(200);
    clock = new Date('2026-03-01T11:00:01Z');
    expect((await client.get(link)).status).toBe(410);
    expect((await client.submit('/forgot', link, { password: 'too late password' })).status).toBe(410);
    expect((await new WebClient(app).logIn('expiry_user', 'my old password')).status).toBe(303);
  });
});
