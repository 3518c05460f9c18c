import { HTTPException } from 'hono/http-exception';

/** `?p=`: a 1-based page number; anything else is a 400 with a message naming the parameter. */
export function pageParam(raw: string | undefined, max = 10_000): number {
  if (raw === undefined || raw === '') return 1;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new HTTPException(400, { message: `p must be a page number between 1 and ${max} (got "${raw.slice(0, 20)}")` });
  }
  return Number(raw);
}

export function limitParam(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new HTTPException(400, { message: `limit must be an integer between 1 and ${max} (got "${raw.slice(0, 20)}")` });
  }
  return Number(raw);
}

/**
 * Path patterns for an arXiv id, optionally versioned: new style `2501.12345` as `:id`, old style
 * `hep-th/9901001` as `:archive/:num` (the router cannot match a slash inside one parameter next to the
 * /papers/date/:day routes). Read the id back with paperIdFromParams.
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
