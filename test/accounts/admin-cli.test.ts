import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { describeEachStore } from '../helpers/stores.js';
import { testApp } from '../helpers/app.js';
import { TEST_ENV, WebClient } from '../security/web-client.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describeEachStore('paperboy admin', (get) => {
  const env = () => ({ PAPERBOY_DATA_DIR: get().dataDir, DATABASE_URL: get().databaseUrl, PAPERBOY_LOG: 'silent' });

  it('grants and revokes admin rights; nobody is admin by default', async () => {
    const { app, deps } = await testApp(get(), TEST_ENV);
    await new WebClient(app).signUp('future_admin');
    expect((await deps.accounts.findUser('future_admin'))?.isAdmin).toBe(false);

    const grant = captureIo();
    expect(await runCli(['admin', 'grant', 'Future_Admin'], grant.io, env())).toBe(0);
    expect(grant.out.join('\n')).toBe('future_admin is now an administrator.');
    expect((await deps.accounts.findUser('future_admin'))?.isAdmin).toBe(true);

    const revoke = captureIo();
    expect(await runCli(['admin', 'revoke', 'future_admin'], revoke.io, env())).toBe(0);
    expect((await deps.accounts.findUser('future_admin'))?.isAdmin).toBe(false);
  });

  it('bans a user, which logs them out at once', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const troll = new WebClient(app);
    await troll.signUp('troll');
    expect((await troll.get('/settings')).status).toBe(200);
    const ban = captureIo();
    expect(await runCli(['admin', 'ban', 'troll'], ban.io, env())).toBe(0);
    expect(ban.out.join('\n')).toBe('troll is banned.');
    expect((await troll.get('/settings')).status).toBe(303);
    expect((await new WebClient(app).logIn('troll')).status).toBe(401);
    expect(await runCli(['admin', 'unban', 'troll'], captureIo().io, env())).toBe(0);
    expect((await new WebClient(app).logIn('troll')).status).toBe(303);
  });

  it('reports unknown users and missing arguments', async () => {
    const unknown = captureIo();
    expect(await runCli(['admin', 'grant', 'ghost'], unknown.io, env())).toBe(1);
    expect(unknown.err.join('\n')).toBe('No user named "ghost".');
    const usage = captureIo();
    expect(await runCli(['admin', 'ban'], usage.io, env())).toBe(2);
    expect(usage.err.join('\n')).toContain('Usage: paperboy admin ban <username>');
  });
});
