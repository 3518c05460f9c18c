/** The OpenAPI 3.1 description of every JSON endpoint, served at /api/openapi.json. Written by hand. */

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const rateLimitHeaders = {
  RateLimit: {
    description: 'Remaining requests in the current window (draft-ietf-httpapi-ratelimit-headers).',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': { description: 'The limit and window of the policy that applies.', schema: { type: 'string' } },
};

const paperIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'arXiv id without version, e.g. 2501.12345 (old-style ids such as hep-th/9901001 are accepted too).',
  schema: { type: 'string' },
};

const json = (schema: object, description: string, headers: object = rateLimitHeaders) => ({
  description,
  headers,
  content: { 'application/json': { schema } },
});

const upvoteResponses = {
  '200': json({ $ref: '#/components/schemas/UpvoteResult' }, "The paper's upvote count after the change."),
  '401': error('Not signed in and no API token.'),
  '403': error('CSRF token missing or wrong (cookie sessions), or the account is banned.'),
  '404': error('No such paper.'),
  '429': error('Too many votes; see Retry-After.'),
};

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Paperboy API',
      version: '1.0.0',
      description:
        'Research-paper discovery. Read endpoints are public. Writes need a session cookie plus the X-CSRF-Token header, or a personal API token (settings page) as `Authorization: Bearer`. Errors are `{"error":{"code","message"}}`. Paper objects follow the Hugging Face papers API.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl }],
    security: [{}, { bearerToken: [] }, { sessionCookie: [], csrfHeader: [] }],
    paths: {
      '/api/daily_papers': {
        get: {
          summary: 'Papers featured on a day, ISO week or month',
          operationId: 'listDailyPapers',
          parameters: [
            {
              name: 'date',
              in: 'query',
              description: 'A feed day, YYYY-MM-DD. Default: the latest day with papers.',
              schema: { type: 'string', format: 'date' },
            },
            { name: 'week', in: 'query', description: 'An ISO week, YYYY-Www.', schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' } },
            { name: 'month', in: 'query', description: 'A month, YYYY-MM.', schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } },
            { name: 'p', in: 'query', description: 'Zero-based page index.', schema: { type: 'integer', minimum: 0, default: 0 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
            { name: 'sort', in: 'query', schema: { type: 'string', enum: ['publishedAt', 'trending', 'upvotes'], default: 'publishedAt' } },
          ],
          responses: {
            '200': json({ type: 'array', items: { $ref: '#/components/schemas/DailyPaper' } }, 'One page of featured papers.', {
              ...rateLimitHeaders,
              'X-Total-Count': { description: 'Papers in the whole period.', schema: { type: 'integer' } },
            }),
            '400': error('A malformed parameter; the message names it.'),
            '429': error('Rate limited.'),
          },
        },
      },
      '/api/papers/{id}': {
        get: {
          summary: 'One paper',
          operationId: 'getPaper',
          parameters: [paperIdParameter],
          responses: {
            '200': json({ $ref: '#/components/schemas/Paper' }, 'The paper.'),
            '404': error('No such paper.'),
            '429': error('Rate limited.'),
          },
        },
      },
      '/api/papers/{id}/upvote': {
        post: {
          summary: 'Upvote a paper (idempotent)',
          operationId: 'upvotePaper',
          parameters: [paperIdParameter],
          responses: upvoteResponses,
        },
        delete: {
          summary: 'Withdraw your upvote (idempotent)',
          operationId: 'removeUpvote',
          parameters: [paperIdParameter],
          responses: upvoteResponses,
        },
      },
      '/api/papers/search': {
        get: {
          summary: 'Hybrid (lexical + semantic) paper search',
          operationId: 'searchPapers',
          parameters: [
            {
              name: 'q',
              in: 'query',
              required: true,
              description:
                'At most 500 characters. Supports "phrases", -exclusions, cat:, author:, after:, before:, and arXiv ids or URLs.',
              schema: { type: 'string', maxLength: 500 },
            },
            { name: 'mode', in: 'query', schema: { type: 'string', enum: ['hybrid', 'lexical', 'semantic'], default: 'hybrid' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'explain', in: 'query', description: 'Add per-hit ranking details.', schema: { type: 'boolean', default: false } },
          ],
          responses: {
            '200': json(
              { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
              'Ranked hits with highlighted title and abstract segments.',
              {
                ...rateLimitHeaders,
                'X-Total-Count': { description: 'Matching papers.', schema: { type: 'integer' } },
                'X-Search-Mode': {
                  description: 'The mode that ran (hybrid falls back to lexical when semantic search is unavailable).',
                  schema: { type: 'string' },
                },
                'X-Jump-To': { description: 'Set when the query named one paper by id or URL.', schema: { type: 'string' } },
              },
            ),
            '400': error('A malformed parameter.'),
            '409': error('mode=semantic while semantic search is unavailable.'),
            '429': error('Rate limited.'),
          },
        },
      },
      '/api/papers/{id}/similar': {
        get: {
          summary: 'Papers similar to this one',
          operationId: 'similarPapers',
          parameters: [paperIdParameter, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } }],
          responses: {
            '200': json({ type: 'array', items: { $ref: '#/components/schemas/Paper' } }, 'Nearest papers, most similar first.'),
            '404': error('No such paper.'),
            '429': error('Rate limited.'),
          },
        },
      },
      '/api/subscriptions': {
        post: {
          summary: 'Subscribe an email address to the trending-papers digest (double opt-in)',
          operationId: 'subscribe',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['email'],
                  properties: {
                    email: { type: 'string', format: 'email' },
                    frequency: { type: 'string', enum: ['daily', 'weekly'], default: 'daily' },
                    topics: { type: 'array', items: { type: 'string' }, description: 'arXiv categories to restrict the digest to.' },
                  },
                },
              },
            },
          },
          responses: {
            '202': json(
              { type: 'object', properties: { status: { const: 'pending_confirmation' }, message: { type: 'string' } } },
              'A confirmation link was emailed.',
            ),
            '400': error('Invalid JSON, email, frequency or topics.'),
            '429': error('Rate limited.'),
          },
        },
      },
      '/api/me': {
        get: {
          summary: "The caller's account",
          operationId: 'getMe',
          responses: { '200': json({ type: 'object' }, 'Who the credentials belong to.'), '401': error('Not signed in.') },
        },
      },
      '/api/me/tokens': {
        get: {
          summary: "The caller's API tokens (without their secrets)",
          operationId: 'listTokens',
          responses: { '200': json({ type: 'object' }, 'Token names and dates.'), '401': error('Not signed in.') },
        },
      },
      '/api/me/tokens/{tokenId}': {
        delete: {
          summary: "Revoke one of the caller's API tokens",
          operationId: 'revokeToken',
          parameters: [{ name: 'tokenId', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { '204': { description: 'Revoked.' }, '401': error('Not signed in.'), '404': error('No such token.') },
        },
      },
      '/api/openapi.json': {
        get: {
          summary: 'This document',
          operationId: 'openApi',
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: { 'application/json': {} } } },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token from the settings page.' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'paperboy_session' },
        csrfHeader: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'Required with the session cookie on writes.' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
          },
        },
        Paper: {
          type: 'object',
          required: ['id', 'title', 'summary', 'authors', 'upvotes', 'numComments'],
          properties: {
            id: { type: 'string', examples: ['2501.12345'] },
            title: { type: 'string' },
            summary: { type: 'string', description: 'The abstract.' },
            authors: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
            publishedAt: { type: ['string', 'null'], format: 'date-time' },
            submittedOnDailyAt: { type: ['string', 'null'], format: 'date-time', description: 'First day the paper was featured.' },
            upvotes: { type: 'integer', description: 'Imported plus local upvotes.' },
            numComments: { type: 'integer' },
            githubRepo: { type: ['string', 'null'], format: 'uri' },
            githubStars: { type: ['integer', 'null'] },
            projectPage: { type: ['string', 'null'], format: 'uri' },
            organization: { type: ['object', 'null'], properties: { fullname: { type: 'string' } } },
            categories: { type: 'array', items: { type: 'string' } },
            trendingScore: { type: 'number' },
            arxivUrl: { type: 'string', format: 'uri' },
          },
        },
        DailyPaper: {
          type: 'object',
          required: ['paper', 'title', 'summary', 'numComments'],
          properties: {
            paper: { $ref: '#/components/schemas/Paper' },
            publishedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it was put on the feed.' },
            title: { type: 'string' },
            summary: { type: 'string' },
            numComments: { type: 'integer' },
            submittedBy: { type: ['object', 'null'], properties: { user: { type: 'string' } } },
          },
        },
        UpvoteResult: {
          type: 'object',
          required: ['id', 'upvotes', 'upvoted', 'changed'],
          properties: {
            id: { type: 'string' },
            upvotes: { type: 'integer' },
            upvoted: { type: 'boolean', description: 'Whether the caller now upvotes the paper.' },
            changed: { type: 'boolean', description: 'False when the vote already was in that state.' },
          },
        },
        HighlightSegment: {
          type: 'object',
          required: ['text', 'match'],
          properties: { text: { type: 'string' }, match: { type: 'boolean' } },
        },
        SearchHit: {
          type: 'object',
          required: ['paper', 'title', 'summary', 'highlightedTitle', 'highlightedSummary', 'score'],
          properties: {
            paper: { $ref: '#/components/schemas/Paper' },
            title: { type: 'string' },
            summary: { type: 'string' },
            publishedAt: { type: ['string', 'null'], format: 'date-time' },
            numComments: { type: 'integer' },
            highlightedTitle: { type: 'array', items: { $ref: '#/components/schemas/HighlightSegment' } },
            highlightedSummary: { type: 'array', items: { $ref: '#/components/schemas/HighlightSegment' } },
            score: { type: 'number' },
            explain: { type: 'object', description: 'Ranking details, with explain=true.' },
          },
        },
      },
    },
  } as const;
}
