import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { parseArxivId } from '../papers/arxiv-id.js';

/**
 * Request parameters: one zod schema per route input, checked by hono-openapi's `validator(target, schema,
 * rejectInvalid)`. The same schemas describe the parameters in the OpenAPI document.
 */

/** A parameter the route's schema rejected; the app's error handler answers 400 with this message. */
export class InvalidParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidParameter';
  }
}

type IssuePath = ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;

/** The hook every validator runs with: the first problem becomes an InvalidParameter naming the parameter. */
export function rejectInvalid(result: {
  readonly success: boolean;
  readonly error?: ReadonlyArray<{ readonly message: string; readonly path?: IssuePath }>;
}): void {
  if (result.success) return;
  const issue = result.error?.[0];
  const name = (issue?.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
  const message = issue?.message ?? 'invalid request';
  throw new InvalidParameter(name, name !== '' && !message.includes(name) ? `${name}: ${message}` : message);
}

/** Longest free-text search query any route accepts (search API, search page, search feeds). */
export const MAX_QUERY_LENGTH = 500;

const blankIsMissing = (value: unknown) => (value === '' ? undefined : value);

/** An optional integer query parameter; blank means the default. */
export function integerParam(
  name: string,
  min: number,
  max: number,
  fallback: number,
  description: string,
  message = `${name} must be an integer between ${min} and ${max}`,
) {
  return z
    .preprocess(
      blankIsMissing,
      z.coerce
        .number({ error: message })
        .int({ error: message })
        .min(min, { error: message })
        .max(max, { error: message })
        .default(fallback),
    )
    .meta({ description });
}

/** `?p=`: a 1-based page number. */
export const pageNumberParam = (max = 10_000) =>
  integerParam('p', 1, max, 1, 'Page number, from 1.', `p must be a page number between 1 and ${max}`);

/** A free-text search query; `required` refuses a blank one. */
export function queryTextParam(required: boolean) {
  const text = z
    .string({ error: 'q must be text' })
    .trim()
    .max(MAX_QUERY_LENGTH, { error: `q can be at most ${MAX_QUERY_LENGTH} characters` });
  const described = { description: `Search query in the query language, at most ${MAX_QUERY_LENGTH} characters.` };
  return required
    ? z
        .string({ error: 'q is required' })
        .pipe(text.min(1, { error: 'q is required' }))
        .meta(described)
    : text.default('').meta(described);
}

/** An optional enumerated query parameter; blank means the default. */
export function choiceParam<const T extends readonly [string, ...string[]]>(
  name: string,
  choices: T,
  fallback: T[number],
  description: string,
) {
  return z
    .preprocess(blankIsMissing, z.enum(choices, { error: `${name} must be one of ${choices.join(', ')}` }).default(fallback))
    .meta({ description });
}

/** A form field that may be missing; missing reads as ''. */
export const formText = () => z.string().default('');

/** A form field naming a paper by arXiv id or URL; reads as the bare id (no version). */
export const arxivIdFormField = () =>
  formText().transform((value, ctx) => {
    const id = parseArxivId(value)?.id;
    if (!id) {
      ctx.addIssue({ code: 'custom', message: 'paper must be an arXiv id' });
      return z.NEVER;
    }
    return id;
  });

/**
 * Path patterns for an arXiv id, optionally versioned: new style `2501.12345` as `:id`, old style
 * `hep-th/9901001` as `:archive/:num` (the router cannot match a slash inside one parameter next to the
 * /papers/date/:day routes). The patterns are the validation: anything else never reaches a handler.
 */
export const PAPER_ID_PATHS = [
  ':id{[0-9]{4}\\.[0-9]{4,5}(?:v[0-9]+)?}',
  ':archive{[a-z][a-z-]*(?:\\.[A-Z]{2})?}/:num{[0-9]{7}(?:v[0-9]+)?}',
] as const;

/** The id (with any version suffix) captured by one of PAPER_ID_PATHS. */
export function paperIdFromParams(params: Record<string, string | undefined>): string {
  const id = params.id ?? (params.archive && params.num ? `${params.archive}/${params.num}` : undefined);
  if (!id) throw new HTTPException(404, { message: 'No such paper.' });
  return id;
}

/** The arXiv id captured by the route pattern, without a version suffix. */
export function paperIdOf(c: Context): string {
  return paperIdFromParams(c.req.param()).replace(/v\d+$/, '');
}
