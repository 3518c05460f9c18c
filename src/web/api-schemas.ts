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

export const OrganizationSchema = z
  .object({
    name: z.string().optional().meta({ description: "The organisation's handle on the source." }),
    fullname: z.string().optional(),
    avatar: z.string().optional().meta({ description: 'Avatar image URL.' }),
  })
  .meta({ ref: 'Organization', description: 'As the source gave it; keys it did not give are left out.' });

export const SubmitterSchema = z
  .object({
    user: z.string().optional().meta({ description: 'Username (local submissions; some source entries).' }),
    name: z.string().optional().meta({ description: "The submitter's handle on the source." }),
    fullname: z.string().optional(),
    avatarUrl: z.string().optional(),
    type: z.string().optional(),
    isPro: z.boolean().optional(),
    isHf: z.boolean().optional(),
  })
  .meta({ ref: 'Submitter', description: "Who put the paper on the feed: a local user, or the source's submitter." });

export const PaperSchema = z
  .object({
    id: z.string().meta({ examples: ['2501.12345'] }),
    title: z.string().meta({ description: 'As the source wrote it (TeX and line breaks included).' }),
    summary: z.string().meta({ description: 'The abstract, as the source wrote it.' }),
    authors: z.array(z.object({ name: z.string() })),
    publishedAt: dateTime.nullable(),
    submittedOnDailyAt: dateTime
      .nullable()
      .meta({ description: 'When the paper was first featured: the exact time the source gave, else the start of the feed day.' }),
    upvotes: z.number().int().meta({ description: 'Imported plus local upvotes.' }),
    numComments: z.number().int(),
    githubRepo: z.string().nullable(),
    githubStars: z.number().int().nullable(),
    projectPage: z.string().nullable(),
    organization: OrganizationSchema.nullable(),
    ai_summary: z.string().nullable().meta({ description: "The source's generated one-sentence summary." }),
    ai_keywords: z.array(z.string()).nullable().meta({ description: "The source's generated keywords." }),
    thumbnail: z.string().nullable().meta({ description: "The source's social-card image URL." }),
    mediaUrls: z.array(z.string()).optional(),
    categories: z.array(z.string()),
    trendingScore: z.number(),
    arxivUrl: z.string(),
  })
  .meta({ ref: 'Paper', description: 'A paper in the shape of the Hugging Face papers API.' });

export const DailyPaperSchema = z
  .object({
    paper: PaperSchema,
    publishedAt: dateTime.nullable().meta({ description: 'When it was put on the feed, with its time of day.' }),
    title: z.string().meta({ description: "The entry's own title (it may carry TeX the paper's lacks)." }),
    summary: z.string(),
    thumbnail: z.string().nullable(),
    numComments: z.number().int(),
    submittedBy: SubmitterSchema.nullable(),
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
