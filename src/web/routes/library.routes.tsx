import { Hono, type Context } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { importBibtex } from '../../library/bibtex-import.js';
import { toBibtex, toCslJson } from '../../library/export-formats.js';
import { MAX_NOTE_LENGTH, MAX_TAG_LENGTH, MAX_TAGS_PER_PAPER, normalizeTag } from '../../library/library-limits.js';
import { matchLibrary } from '../../library/library-query.js';
import { libraryTags, loadLibrary, publicTagsOf, userIdByName, type LibraryEntry } from '../../library/library.repository.js';
import { removeFromLibrary, saveToLibrary, setTagVisibility } from '../../library/library.service.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { Refused } from '../../refused.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { renderPage } from '../anonymous-page.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import type { AppEnv } from '../env.js';
import { requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import {
  arxivIdFormField,
  formText,
  PAPER_ID_PATHS,
  pageNumberParam,
  paperIdOf,
  queryTextParam,
  rejectInvalid,
} from '../request-params.js';
import { renderAtom, renderRss, type SyndicationFeed } from '../syndication.js';
import { actorOf, pageContext, safeNext } from '../viewer.js';
import { importPage, libraryPage, publicTagPage, publicTagPath } from '../views/library-pages.js';

const LIBRARY_PAGE_SIZE = 25;
/** Papers a public collection page and its feeds show, newest first. */
const PUBLIC_TAG_SIZE = 200;
const USERNAME = '{[A-Za-z0-9_-]{1,40}}';

const tagParam = z
  .string()
  .max(MAX_TAG_LENGTH, { error: `tag can be at most ${MAX_TAG_LENGTH} characters` })
  .optional()
  .meta({ description: 'Only papers with this tag.' });
const libraryQuery = z.object({ tag: tagParam, q: queryTextParam(false), p: pageNumberParam() });
const exportQuery = z.object({ tag: tagParam });
const apiListQuery = z.object({ tag: tagParam, q: queryTextParam(false) });

const paperField = arxivIdFormField();
const saveForm = z.object({
  paper: paperField,
  tags: z.string().optional(),
  note: z
    .string()
    .max(MAX_NOTE_LENGTH, { error: `note can be at most ${MAX_NOTE_LENGTH} characters` })
    .optional(),
  next: z.string().optional(),
});
const removeForm = z.object({ paper: paperField, next: z.string().optional() });
const visibilityForm = z.object({ tag: formText(), public: z.enum(['0', '1'], { error: 'public must be 0 or 1' }) });
const importForm = z.object({
  bibtex: formText(),
  file: z.union([z.instanceof(File), z.string()]).optional(),
  tag: formText(),
});

const LibraryItemSchema = z
  .object({
    id: z.string().meta({ examples: ['2501.12345'] }),
    title: z.string(),
    authors: z.array(z.object({ name: z.string() })),
    publishedAt: z.string().nullable(),
    tags: z.array(z.string()),
    note: z.string().meta({ description: 'Private: only ever returned to its owner.' }),
    savedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ ref: 'LibraryItem', description: 'A paper in your library.' });
const SaveResultSchema = z
  .object({ id: z.string(), tags: z.array(z.string()), note: z.string(), created: z.boolean() })
  .meta({ ref: 'LibrarySaveResult' });
const saveBody = z.object({
  paperId: z.string({ error: 'paperId is required' }).meta({ description: 'An arXiv id.', examples: ['2501.12345'] }),
  tags: z
    .array(z.string().max(MAX_TAG_LENGTH))
    .max(MAX_TAGS_PER_PAPER)
    .optional()
    .meta({ description: 'Replaces the tags when given; kept otherwise.' }),
  note: z.string().max(MAX_NOTE_LENGTH).optional().meta({ description: 'Replaces the private note when given; kept otherwise.' }),
});
const unauthorized = errorResponse('Not signed in and no API token.');

function apiItem(entry: LibraryEntry) {
  return {
    id: entry.paper.id,
    title: entry.paper.title,
    authors: entry.paper.authors.map((name) => ({ name })),
    publishedAt: entry.paper.publishedAt,
    tags: [...entry.tags],
    note: entry.note,
    savedAt: entry.savedAt,
  };
}

/** A tag from a query parameter: normalised, or a 404 for one that cannot exist. */
function tagFilter(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const tag = normalizeTag(raw);
  if (!tag) throw new Refused('not_found', 'No such tag.');
  return tag;
}

async function viewerLibrary(c: Context<AppEnv>, tag: string | undefined, query: string): Promise<LibraryEntry[]> {
  const entries = await loadLibrary(c.get('deps').store.db, c.get('user')!.id, tag);
  return matchLibrary(entries, query);
}

/** A public collection's owner and entries; a 404 for an unknown user, an unknown tag or a private one alike. */
async function publicCollection(c: Context<AppEnv>): Promise<{ username: string; tag: string; entries: LibraryEntry[] } | null> {
  const db = c.get('deps').store.db;
  const tag = normalizeTag(c.req.param('tag') ?? '');
  const owner = await userIdByName(db, c.req.param('username') ?? '');
  if (!tag || !owner || !(await publicTagsOf(db, owner.id)).has(tag)) return null;
  const entries = (await loadLibrary(db, owner.id, tag)).slice(0, PUBLIC_TAG_SIZE);
  return { username: owner.username, tag, entries };
}

function collectionFeed(
  c: Context<AppEnv>,
  collection: { username: string; tag: string; entries: LibraryEntry[] },
  self: string,
): SyndicationFeed {
  const base = c.get('config').publicUrl.replace(/\/$/, '');
  return {
    title: `${collection.tag} — ${collection.username} on Paperboy`,
    description: `Papers ${collection.username} collected under "${collection.tag}".`,
    link: `${base}${publicTagPath(collection.username, collection.tag)}`,
    self: `${base}${self}`,
    updated: collection.entries[0]?.savedAt ?? new Date(0).toISOString(),
    items: collection.entries.map(({ paper, savedAt }) => ({
      title: paper.title,
      link: `${base}/papers/${paper.id}`,
      summary: paper.abstract,
      authors: paper.authors,
      categories: paper.categories,
      published: savedAt,
    })),
  };
}

function attachment(c: Context<AppEnv>, body: string, type: string, filename: string) {
  return c.body(body, 200, {
    'content-type': `${type}; charset=utf-8`,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'private, no-store',
  });
}

function exportName(tag: string | undefined, ext: string): string {
  return `paperboy-library${tag ? `-${tag.replace(/[^a-z0-9_-]/g, '_')}` : ''}.${ext}`;
}

export const libraryRoutes = new Hono<AppEnv>()
  .get('/library', requireUser, validator('query', libraryQuery, rejectInvalid), async (c) => {
    const { tag: rawTag, q, p } = c.req.valid('query');
    const tag = tagFilter(rawTag);
    const [entries, tags] = await Promise.all([viewerLibrary(c, tag, q), libraryTags(c.get('deps').store.db, c.get('user')!.id)]);
    const start = (p - 1) * LIBRARY_PAGE_SIZE;
    return c.html(
      libraryPage({
        page: pageContext(c),
        entries: entries.slice(start, start + LIBRARY_PAGE_SIZE),
        total: entries.length,
        pageNumber: p,
        pageSize: LIBRARY_PAGE_SIZE,
        tags,
        tag: tag ?? null,
        query: q,
        message: null,
      }),
    );
  })
  .post('/library/save', requireUser, rateLimit('library', RATE_LIMITS.vote), validator('form', saveForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    await saveToLibrary(c.get('deps'), actorOf(c.get('user')!), { paperId: form.paper, tags: form.tags, note: form.note });
    return c.redirect(safeNext(form.next, '/library'), 303);
  })
  .post('/library/remove', requireUser, rateLimit('library', RATE_LIMITS.vote), validator('form', removeForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    await removeFromLibrary(c.get('deps'), actorOf(c.get('user')!), { paperId: form.paper });
    return c.redirect(safeNext(form.next, '/library'), 303);
  })
  .post('/library/tags/visibility', requireUser, validator('form', visibilityForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const tag = await setTagVisibility(c.get('deps'), actorOf(c.get('user')!), { tag: form.tag, public: form.public === '1' });
    return c.redirect(`/library?tag=${encodeURIComponent(tag)}`, 303);
  })
  .get('/library/export.bib', requireUser, validator('query', exportQuery, rejectInvalid), async (c) => {
    const tag = tagFilter(c.req.valid('query').tag);
    return attachment(c, toBibtex(await viewerLibrary(c, tag, '')), 'application/x-bibtex', exportName(tag, 'bib'));
  })
  .get('/library/export.json', requireUser, validator('query', exportQuery, rejectInvalid), async (c) => {
    const tag = tagFilter(c.req.valid('query').tag);
    const body = JSON.stringify(toCslJson(await viewerLibrary(c, tag, '')), null, 2);
    return attachment(c, body, 'application/vnd.citationstyles.csl+json', exportName(tag, 'json'));
  })
  .get('/library/import', requireUser, (c) => c.html(importPage({ page: pageContext(c), report: null, error: null })))
  .post(
    '/library/import',
    requireUser,
    rateLimit('library-import', RATE_LIMITS.submit),
    validator('form', importForm, rejectInvalid),
    async (c) => {
      const form = c.req.valid('form');
      const deps = c.get('deps');
      const page = pageContext(c);
      const text = form.file instanceof File && form.file.size > 0 ? await form.file.text() : form.bibtex;
      try {
        const report = await importBibtex({ ...deps, arxivApiUrl: c.get('config').arxivApiUrl }, actorOf(c.get('user')!), {
          text,
          tag: form.tag,
        });
        return c.html(importPage({ page, report, error: null }));
      } catch (error) {
        // The form comes back with the reason inline rather than as an error page.
        if (!(error instanceof Refused)) throw error;
        return c.html(importPage({ page, report: null, error: error.message }), error.status);
      }
    },
  )
  .get(`/u/:username${USERNAME}/c/:tag`, async (c) => {
    const body = await renderPage(c, async (page) => {
      const collection = await publicCollection(c);
      return collection ? publicTagPage({ page, ...collection }) : null;
    });
    return body === null ? c.notFound() : c.html(body);
  })
  .get(`/u/:username${USERNAME}/c/:tag/feed.xml`, async (c) => {
    const collection = await publicCollection(c);
    if (!collection) return c.notFound();
    const feed = collectionFeed(c, collection, `${publicTagPath(collection.username, collection.tag)}/feed.xml`);
    return c.body(renderRss(feed), 200, { 'content-type': 'application/rss+xml; charset=utf-8' });
  })
  .get(`/u/:username${USERNAME}/c/:tag/feed.atom`, async (c) => {
    const collection = await publicCollection(c);
    if (!collection) return c.notFound();
    const feed = collectionFeed(c, collection, `${publicTagPath(collection.username, collection.tag)}/feed.atom`);
    return c.body(renderAtom(feed), 200, { 'content-type': 'application/atom+xml; charset=utf-8' });
  })
  .get(
    '/api/me/library',
    describeRoute({
      summary: 'Your library',
      description: 'Every saved paper (or those of one tag), newest first, optionally searched in the query language.',
      operationId: 'listLibrary',
      responses: { 200: jsonResponse(z.array(LibraryItemSchema), 'Your saved papers.'), 401: unauthorized },
    }),
    validator('query', apiListQuery, rejectInvalid),
    requireUser,
    async (c) => {
      const { tag, q } = c.req.valid('query');
      return c.json((await viewerLibrary(c, tagFilter(tag), q)).map(apiItem));
    },
  )
  .post(
    '/api/me/library',
    describeRoute({
      summary: 'Save a paper to your library, or change its tags and note',
      operationId: 'saveToLibrary',
      responses: {
        200: jsonResponse(SaveResultSchema, 'The entry after the change.'),
        400: errorResponse('Invalid paper id, tag or note.'),
        401: unauthorized,
        403: errorResponse('CSRF token missing or wrong (cookie sessions), read-only token, or the account is banned.'),
        404: errorResponse('No such paper.'),
      },
    }),
    requireUser,
    rateLimit('library', RATE_LIMITS.vote),
    validator('json', saveBody, rejectInvalid),
    async (c) => {
      const body = c.req.valid('json');
      const id = parseArxivId(body.paperId)?.id;
      if (!id) throw new Refused('invalid', 'paperId must be an arXiv id.');
      const saved = await saveToLibrary(c.get('deps'), actorOf(c.get('user')!), { paperId: id, tags: body.tags, note: body.note });
      return c.json({ id: saved.paperId, tags: [...saved.tags], note: saved.note, created: saved.created });
    },
  );

for (const [index, path] of PAPER_ID_PATHS.entries()) {
  libraryRoutes.delete(
    `/api/me/library/${path}`,
    describeRoute({
      summary: 'Remove a paper from your library (idempotent)',
      operationId: 'removeFromLibrary',
      hide: index > 0,
      responses: {
        200: jsonResponse(z.object({ id: z.string(), removed: z.boolean() }), 'Whether the paper was in the library.'),
        401: unauthorized,
        403: errorResponse('CSRF token missing or wrong (cookie sessions), read-only token, or the account is banned.'),
      },
    }),
    requireUser,
    rateLimit('library', RATE_LIMITS.vote),
    async (c) => {
      const id = paperIdOf(c);
      const removed = await removeFromLibrary(c.get('deps'), actorOf(c.get('user')!), { paperId: id });
      return c.json({ id, removed });
    },
  );
}
