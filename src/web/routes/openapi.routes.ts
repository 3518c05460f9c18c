import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../env.js';
import { openApiDocumentFor } from '../openapi.js';

/** Serves the document generated from `app`'s own routes. */
export function openApiRoutes(app: Hono<AppEnv>, publicUrl: string) {
  const document = openApiDocumentFor(app as unknown as Hono<never>, publicUrl);
  return new Hono<AppEnv>().get(
    '/api/openapi.json',
    describeRoute({
      summary: 'This document',
      operationId: 'openApi',
      responses: { 200: { description: 'OpenAPI 3.1 document.', content: { 'application/json': {} } } },
    }),
    async (c) => c.json(await document()),
  );
}
