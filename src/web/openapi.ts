import type { Hono } from 'hono';
import { generateSpecs, type GenerateSpecOptions } from 'hono-openapi';

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the routes themselves: each /api/ route carries a
 * `describeRoute` (summary, responses) and the zod schemas its `validator`s check requests with, so the document
 * lists exactly what the routes accept. Served at /api/openapi.json.
 */
export function openApiOptions(publicUrl: string): Partial<GenerateSpecOptions> {
  return {
    documentation: {
      openapi: '3.1.0',
      info: {
        title: 'Paperboy API',
        version: '1.0.0',
        description:
          'Research-paper discovery. Read endpoints are public. Writes need a session cookie plus the X-CSRF-Token header, or a personal API token (settings page) as `Authorization: Bearer`. Errors are `{"error":{"code","message"}}`. Paper objects follow the Hugging Face papers API. Old-style arXiv ids such as hep-th/9901001 work wherever {id} does.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: publicUrl }],
      security: [{}, { bearerToken: [] }, { sessionCookie: [], csrfHeader: [] }],
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token from the settings page.' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'paperboy_session' },
          csrfHeader: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'Required with the session cookie on writes.' },
        },
      },
    },
    // Only the JSON API is documented; HTML pages and feeds are not part of it.
    exclude: [/^(?!\/api\/)/],
    // openapi.json itself is documented; the default would drop every path with a dot in its last segment.
    excludeStaticFile: false,
    // Every route documents at least one error with the Error schema, so the component is always there.
    defaultValidationErrorResponse: {
      description: 'A malformed parameter; the message names it.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  };
}

/** The document for an app, generated once per app (its routes do not change after start). */
export function openApiDocumentFor(app: Hono<never>, publicUrl: string) {
  let document: ReturnType<typeof generateSpecs> | undefined;
  return () => (document ??= generateSpecs(app, openApiOptions(publicUrl)));
}
