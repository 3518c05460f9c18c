import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { jsonLogger } from '../../src/logger.js';
import { buildDeps } from '../../src/runtime.js';
import { createApp } from '../../src/web/app.js';
import { testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV, WebClient } from './web-client.js';

describeEachStore('request logs', (get) => {
  it('log one JSON line per request and never a password, cookie, session id, API token or reset link', async () => {
    const lines: string[] = [];
    const config = testConfig(get(), { ...TEST_ENV, PAPERBOY_LOG: 'info' });
    const deps = await buildDeps(
      config,
      get().store,
      jsonLogger((line) => lines.push(line)),
    );
    const app = createApp(config, deps);
    const password = 'hunter2-but-longer';
    const browser = new WebClient(app);
    await browser.signUp('logged_user', password, 'logged@example.org');
    await new WebClient(app).logIn('logged_user', 'wrong-password-xyz');
    await browser.submit('/settings', '/settings/tokens', { name: 'ci' });
    await browser.submit('/forgot', '/forgot', { email: 'logged@example.org' });
    await deps.accounts.settled();

    const mailDir = path.join(config.dataDir, 'mail');
    const file = fs.readdirSync(mailDir).find((f) => f.endsWith('.eml'));
    if (!file) throw new Error('no reset mail written');
    const mail = await simpleParser(fs.readFileSync(path.join(mailDir, file)));
    const link = /http:\/\/paperboy\.test(\/reset\/\S+)/.exec(mail.text ?? '')?.[1];
    if (!link) throw new Error('no reset link');
    const resetToken = link.slice('/reset/'.length);
    await browser.get(link);
    await browser.submit(link, link, { password: 'a brand new password' });

    const settingsHtml = await (await browser.get('/settings')).text();
    expect(settingsHtml).toContain('ci');
    const secrets = [password, 'wrong-password-xyz', 'a brand new password', resetToken, ...browser.cookies.values(), deps.secret];
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry.msg).toBeTypeOf('string');
      for (const secret of secrets) expect(line, `log line leaks a secret: ${line}`).not.toContain(secret);
      expect(line).not.toMatch(/pb_[A-Za-z0-9_-]{20,}/);
      expect(line.toLowerCase()).not.toContain('cookie');
    }
    expect(lines.some((l) => l.includes('"/reset/[redacted]"'))).toBe(true);
  });
});
