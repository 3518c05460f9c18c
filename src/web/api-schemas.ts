import { resolver } from 'hono-openapi';
import { z } from 'zod';

/**
 * Response shapes of the JSON API for the OpenAPI document (request parameters are described by the schemas that
 * validate them, next to their routes). `ref` names become components.schemas entries.
 */

const dateTime = z.string().meta({ format: 'date-time' });

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .meta({ ref: 'Error', description: 'Every error answer under /api/.' });

export const PaperSchema = z
  .object({
    id: z.string().meta({ examples: ['2501.12345'] }),
    title: z.string(),
    summary: z.string().meta({ description: 'The abstract.' }),
    authors: z.array(z.object({ name: z.string() })),
    publishedAt: dateTime.nullable(),
    submittedOnDailyAt: dateTime.nullable().meta({ description: 'First day the paper was featured.' }),
    upvotes: z.number().int().meta({ description: 'Imported plus local upvotes.' }),
    numComments: z.number().int(),
    githubRepo: z.string().nullable(),
    githubStars: z.number().int().nullable(),
    projectPage: z.string().nullable(),
    organization: z.object({ fullname: z.string() }).nullable(),
    categories: z.array(z.string()),
    trendingScore: z.number(),
    arxivUrl: z.string(),
  })
  .meta({ ref: 'Paper', description: 'A paper in the shape of the Hugging Face papers API.' });

export const DailyPaperSchema = z
  .object({
    paper: PaperSchema,
    publishedAt: dateTime.nullable().meta({ description: 'When it was put on the feed.' }),
    title: z.string(),
    summary: z.string(),
    numComments: z.number().int(),
    submittedBy: z.object({ user: z.string() }).nullable(),
  })
  .meta({ ref: 'DailyPaper' });

export const UpvoteResultSchema = z
  .object({
    id: z.string(),
    upvotes: z.number().int(),
    upvoted: z.boolean().meta({ description: 'Whether the caller now upvotes the paper.' }),
    changed: z.boolean().meta({ description: 'False when the vote already was in that state.' }),
  })
  .meta({ ref: 'UpvoteResult' });

const HighlightSegmentSchema = z.object({ text: z.string(), match: z.boolean() }).meta({ ref: 'HighlightSegment' });

export const SearchHitSchema = z
  .object({
    paper: PaperSchema,
    title: z.string(),
    summary: z.string(),
    publishedAt: dateTime.nullable(),
    numComments: z.number().int(),
    highlightedTitle: z.array(HighlightSegmentSchema),
    highlightedSummary: z.array(HighlightSegmentSchema),
    score: z.number(),
    explain: z.record(z.string(), z.unknown()).optional().meta({ description: 'Ranking details, with explain=true.' }),
  })
  .meta({ ref: 'SearchHit' });

export const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description: 'Remaining requests in the current window (draft-ietf-httpapi-ratelimit-headers).',
    schema: { type: 'string' as const },
  },
  'RateLimit-Policy': { description: 'The limit and window of the policy that applies.', schema: { type: 'string' as const } },
};

/** A JSON response described by a schema. */
export function jsonResponse(schema: z.ZodType, description: string, headers: Record<string, object> = RATE_LIMIT_HEADERS) {
  return { description, headers, content: { 'application/json': { schema: resolver(schema) } } };
}

/** An error response in the one error shape. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: resolver(ErrorSchema) } } };
}
