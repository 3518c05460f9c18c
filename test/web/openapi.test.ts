import { beforeAll, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/community.js';
import { seedCommunity } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: { type?: string; minimum?: number; maximum?: number; maxLength?: number; enum?: readonly string[] };
}
interface Document {
  readonly paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
}

/** Hono's `/api/papers/:id{regex}` as OpenAPI's `/api/papers/{id}`; old-style ids are documented under {id}. */
function openApiPath(honoPath: string): string {
  return honoPath
    .split('/')
    .map((segment) => (segment.startsWith(':') ? `{${/^:(\w+)/.exec(segment)![1]}}` : segment))
    .join('/')
    .replace('/{archive}/{num}', '/{id}');
}

/** A request that the route's schema accepts, apart from the parameter under test. */
function urlFor(path: string, query: Record<string, string>): string {
  const search = new URLSearchParams({ ...(path === '/api/papers/search' ? { q: 'diffusion' } : {}), ...query }).toString();
  return `${path.replace('{id}', '2501.00001')}${search ? `?${search}` : ''}`;
}

describeEachStore('OpenAPI document generated from the route schemas', (get) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  let doc: Document;
  /** A reader's read token: parameters of the signed-in routes (/api/me/…) are checked too. */
  let asReader: { headers: Record<string, string> };

  beforeAll(async () => {
    await seedCommunity(get().store);
    t = await testApp(get());
    doc = (await (await t.app.request('/api/openapi.json')).json()) as Document;
    const reader = await signedInUser(t.deps);
    const token = await t.deps.accounts.createApiToken(reader.user.id, 'openapi check', ['read']);
    if (!token.ok) throw new Error(JSON.stringify(token.errors));
    asReader = { headers: { authorization: `Bearer ${token.value.token}` } };
  });

  it('lists every /api/ route of the app with its method', () => {
    const routes = t.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(8);
    for (const route of routes) {
      const path = openApiPath(route.path);
      expect(doc.paths[path], `${route.method} ${route.path} documented as ${path}`).toBeDefined();
      expect(Object.keys(doc.paths[path]!), `${route.method} ${path}`).toContain(route.method.toLowerCase());
    }
  });

  it('documents parameters that the routes really enforce', async () => {
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      const parameters = operations.get?.parameters ?? [];
      for (const parameter of parameters.filter((p) => p.in === 'query')) {
        const schema = parameter.schema ?? {};
        const rejected: string[] = [];
        if (schema.maximum !== undefined) rejected.push(String(schema.maximum + 1));
        if (schema.minimum !== undefined) rejected.push(String(schema.minimum - 1));
        if (schema.type === 'integer') rejected.push('abc');
        if (schema.maxLength !== undefined) rejected.push('a'.repeat(schema.maxLength + 1));
        if (schema.enum) rejected.push('not-a-choice');
        for (const value of rejected) {
          const res = await t.app.request(urlFor(path, { [parameter.name]: value }), asReader);
          expect(res.status, `${path}?${parameter.name}=${value.slice(0, 20)}`).toBe(400);
          // Hugging Face-shaped routes answer {error: message, code}, the others {error: {code, message}}.
          const body = (await res.json()) as { error: string | { code: string; message: string }; code?: string };
          const error = typeof body.error === 'string' ? { code: body.code, message: body.error } : body.error;
          expect(error.code).toBe('bad_request');
          expect(error.message).toContain(parameter.name);
          checked += 1;
        }
        // The documented maximum itself is accepted.
        if (schema.maximum !== undefined) {
          const res = await t.app.request(urlFor(path, { [parameter.name]: String(schema.maximum) }), asReader);
          expect(res.status, `${path}?${parameter.name}=${schema.maximum}`).toBe(200);
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('documents request bodies and the shared error shape', () => {
    const text = JSON.stringify(doc);
    expect(text).toContain('"#/components/schemas/Error"');
    expect(text).toContain('"#/components/schemas/HfError"');
    const subscribe = (doc.paths['/api/subscriptions'] as Record<string, { requestBody?: unknown }>).post!;
    expect(JSON.stringify(subscribe.requestBody)).toContain('"email"');
  });
});
