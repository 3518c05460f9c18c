import { Hono } from 'hono';
import { expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV } from './web-client.js';

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

describeEachStore('security headers and error pages', (get) => {
  it('sends a Content-Security-Policy without inline scripts, and the other security headers, on pages', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    for (const path of ['/login', '/signup', '/no-such-page', '/api/me']) {
      const response = await app.request(path);
      const csp = response.headers.get('content-security-policy');
      expect(csp, path).toBeTruthy();
      const parsed = directives(csp ?? '');
      expect(parsed.get('script-src')).toEqual(["'self'"]);
      expect(parsed.get('style-src')).toEqual(["'self'"]);
      expect(parsed.get('frame-ancestors')).toEqual(["'none'"]);
      expect(parsed.get('object-src')).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    // Plain http deployments do not get HSTS (it would lock browsers out of a site without TLS).
    expect((await app.request('/login')).headers.get('strict-transport-security')).toBeNull();
  });

  it('renders no stack trace, file path or SQL when a page or an API call fails', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    const failure = () => {
      throw new Error('SELECT password_hash FROM users WHERE secret failure');
    };
    app.route('/', new Hono().get('/explode', failure).get('/api/explode', failure) as never);

    const page = await app.request('/explode');
    expect(page.status).toBe(500);
    const html = await page.text();
    expect(html).toContain('Something went wrong');
    for (const leak of ['SELECT', 'password_hash', 'secret failure', 'at ', '.ts:', 'node_modules']) expect(html, leak).not.toContain(leak);
    expect(page.headers.get('content-security-policy')).toBeTruthy();

    const api = await app.request('/api/explode');
    expect(api.status).toBe(500);
    const body = await api.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'internal', message: 'Something went wrong on our side.' } });
  });
});
