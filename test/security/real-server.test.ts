import { expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/security/rate-limit-store.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { csrfTokenIn } from './web-client.js';

describeEachStore('over a real socket', (get) => {
  it('rate-limits by the peer address (no proxy trusted) and ignores a forged X-Forwarded-For', async () => {
    const config = testConfig(get(), { PORT: '0', PAPERBOY_DEMO: 'false' });
    const server = await startServer(config);
    try {
      const page = await fetch(`${server.url}/login`);
      const cookie = page.headers
        .getSetCookie()
        .map((l) => l.split(';')[0])
        .join('; ');
      expect(cookie).toMatch(/^paperboy_csrf=/);
      const token = csrfTokenIn(await page.text());
      const statuses: number[] = [];
      for (let i = 0; i <= RATE_LIMITS.login.limit; i++) {
        const response = await fetch(`${server.url}/login`, {
          method: 'POST',
          redirect: 'manual',
          // A client cannot escape the limit by claiming to be someone else.
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `203.0.113.${i}` },
          body: new URLSearchParams({ _csrf: token, login: 'nobody', password: `guess ${i}` }).toString(),
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
      expect(statuses.at(-1)).toBe(429);

      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toContain(`paperboy_http_requests_total{method="POST",route="/login",status="401"} ${RATE_LIMITS.login.limit}`);
    } finally {
      await server.close();
    }
  });
});
