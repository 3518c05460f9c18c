import { beforeAll, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { signedInUser, type SignedIn } from '../helpers/community.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

type App = Awaited<ReturnType<typeof testApp>>;

interface Document {
  readonly paths: Record<string, Record<string, unknown>>;
}

let nextAddress = 1;

describeEachStore('methods and JSON types', (get) => {
  let t: App;
  let user: SignedIn;
  beforeAll(async () => {
    await seedCommunity(get().store);
    t = await testApp(get(), { PAPERBOY_TRUST_PROXY: 'true' });
    user = await signedInUser(t.deps);
  });

  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', `198.51.100.${nextAddress++ % 250}`);
    return t.app.request(path, { ...init, headers });
  };

  it('answers a wrong method on a known path with 405 and the methods the path has', async () => {
    const cases: [method: string, path: string, allow: string, json: boolean][] = [
      ['POST', '/feeds/trending.atom', 'GET, HEAD, OPTIONS', true],
      ['DELETE', '/api/daily_papers', 'GET, HEAD, OPTIONS', true],
      ['PUT', '/api/papers/2501.00001', 'GET, HEAD, OPTIONS', true],
      ['GET', '/api/papers/2501.00001/upvote', 'POST, DELETE, OPTIONS', true],
      ['PATCH', '/papers/2501.00001', 'GET, HEAD, OPTIONS', false],
      ['POST', '/', 'GET, HEAD, OPTIONS', false],
      ['GET', '/logout', 'POST, OPTIONS', false],
      ['DELETE', '/login', 'GET, HEAD, POST, OPTIONS', false],
    ];
    for (const [method, path, allow, json] of cases) {
      // Session-cookie POSTs without a CSRF token: the method is refused before CSRF is looked at.
      const response = await request(path, { method, headers: { cookie: user.cookie } });
      const label = `${method} ${path}`;
      expect(response.status, label).toBe(405);
      expect(response.headers.get('allow'), label).toBe(allow);
      if (json) {
        expect(response.headers.get('content-type'), label).toBe('application/json; charset=utf-8');
        expect(await response.json(), label).toMatchObject({ error: { code: 'method_not_allowed' } });
      } else {
        expect(response.headers.get('content-type'), label).toMatch(/^text\/html/);
        expect(await response.text(), label).toContain('Method not allowed');
      }
    }
  });

  it('keeps 404 for unknown paths and for GET routes that find nothing', async () => {
    expect((await request('/no/such/page')).status).toBe(404);
    expect((await request('/api/nothing-here', { method: 'POST' })).status).toBe(404);
    expect((await request('/api/nothing-here', { method: 'DELETE' })).status).toBe(404);
    expect((await request('/papers/2999.99999')).status).toBe(404);
    expect((await request('/static/missing.css')).status).toBe(404);
  });

  it('answers HEAD wherever GET works, without a body, and OPTIONS with Allow', async () => {
    for (const path of ['/', '/papers/2501.00001', '/api/daily_papers', '/feeds/daily.xml', '/static/app.css', '/healthz']) {
      const head = await request(path, { method: 'HEAD' });
      expect(head.status, path).toBe(200);
      expect(await head.text(), path).toBe('');
      const options = await request(path, { method: 'OPTIONS' });
      expect(options.status, path).toBe(204);
      expect(options.headers.get('allow'), path).toContain('GET, HEAD');
    }
  });

  it('labels every JSON answer of every documented API route, and the errors, as UTF-8', async () => {
    const doc = (await (await request('/api/openapi.json')).json()) as Document;
    let checked = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      const path = template.replace('{id}', '2501.00001');
      for (const method of Object.keys(operations)) {
        const query = path === '/api/papers/search' ? '?q=diffusion' : '';
        // Anonymous (errors for the account routes) and signed in (their answers); writes with their CSRF token.
        const anonymous: Record<string, string> = {};
        for (const headers of [anonymous, { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' }]) {
          const body = method === 'get' || method === 'delete' ? undefined : '{}';
          const response = await request(`${path}${query}`, { method: method.toUpperCase(), headers, body });
          if (response.status === 204) continue;
          const type = response.headers.get('content-type');
          expect(type, `${method} ${path} → ${response.status}`).toBe('application/json; charset=utf-8');
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
    for (const path of ['/api/papers/not-an-id', '/api/daily_papers?date=nonsense', '/feeds/search.xml', '/healthz', '/readyz']) {
      expect((await request(path)).headers.get('content-type'), path).toBe('application/json; charset=utf-8');
    }
  });
});
