import { resolver } from 'hono-openapi';
import { z } from 'zod';

/** The error body of the routes shaped like Hugging Face's papers API (the app's error handler writes it). */
export const HfErrorSchema = z
  .object({
    error: z.string().meta({ description: 'What went wrong, as Hugging Face writes it (its client shows this text).' }),
    code: z.string().meta({ description: 'Machine-readable: bad_request, not_found, rate_limited, …' }),
    field: z.string().optional(),
  })
  .meta({ ref: 'HfError', description: 'Every error answer of the Hugging Face-shaped routes.' });

/** An error response of an HF-shaped route. */
export function hfErrorResponse(description: string) {
  return { description, content: { 'application/json': { schema: resolver(HfErrorSchema) } } };
}
