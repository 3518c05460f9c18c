import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { claimAuthorship, decideAuthorClaim, withdrawAuthorClaim } from '../../authors/author-claims.js';
import { pendingClaims } from '../../authors/author-claims.repository.js';
import { authorProfile, AUTHOR_PAPERS_PER_PAGE } from '../../authors/author-profile.js';
import { votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { PAPER_LIMITS } from '../../papers/paper-limits.js';
import { tidy } from '../../signals/signal-limits.js';
import { followedValues } from '../../signals/signals.repository.js';
import { renderPage } from '../anonymous-page.js';
import { PaperSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { apiPaper } from '../api-shapes.js';
import type { AppEnv } from '../env.js';
import { requireAdmin, requireUser } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { integerParam, PAPER_ID_PATHS, paperIdOf, rejectInvalid } from '../request-params.js';
import { actorOf, pageContext } from '../viewer.js';
import { authorClaimsAdminPage, authorPage } from '../views/author-page.js';

/** Pending claims listed on the administrators' page. */
const PENDING_CLAIMS_SHOWN = 200;

const authorName = () =>
  z
    .string()
    .min(1, { error: 'name is required' })
    .max(PAPER_LIMITS.authorName, { error: `name can be at most ${PAPER_LIMITS.authorName} characters` });
const authorParams = z.object({
  name: authorName().meta({ description: 'The author name exactly as papers list it (case, accents and initials as written).' }),
});
const pageQuery = z.object({
  p: integerParam('p', 1, 10_000, 1, 'Page of papers, from 1.', 'p must be a page number between 1 and 10000'),
});
const claimForm = z.object({ author: authorName() });
const decisionParams = z.object({ id: z.coerce.number().int().positive() });
const decisionForm = z.object({ decision: z.enum(['approve', 'reject'], { error: 'decision must be approve or reject' }) });

const namedCount = z.object({ name: z.string(), papers: z.number().int() });
const AuthorProfileSchema = z
  .object({
    name: z.string().meta({ description: 'The name as written on the papers.' }),
    numPapers: z.number().int().meta({ description: 'Visible papers listing exactly this name (at most 5,000 are counted).' }),
    upvotes: z.number().int().meta({ description: 'Upvotes of those papers, imported plus local.' }),
    page: z.number().int(),
    numPages: z.number().int(),
    papers: z.array(PaperSchema).meta({ description: `This page of papers (${AUTHOR_PAPERS_PER_PAGE} a page), newest first.` }),
    coauthors: z.array(namedCount).meta({ description: 'The 20 names most often on the same papers.' }),
    categories: z.array(namedCount).meta({ description: 'arXiv categories of the papers, most frequent first.' }),
    words: z.array(namedCount).meta({ description: 'Words and word pairs in the most of the titles and abstracts.' }),
    counts: z
      .array(z.object({ period: z.string().meta({ examples: ['2026-08'] }), count: z.number().int() }))
      .meta({ description: 'Papers per month of publication, every month from the first to the last.' }),
    variants: z
      .array(namedCount)
      .meta({ description: 'Other names written alike (case, accents, initials); the data cannot tell whether they are the same person.' }),
    claimedBy: z
      .array(z.object({ username: z.string(), papers: z.number().int() }))
      .meta({ description: 'Readers an administrator confirmed as this author, with how many papers each claimed.' }),
  })
  .meta({ ref: 'AuthorProfile' });

export const authorsRoutes = new Hono<AppEnv>()
  .get(
    '/api/authors/:name',
    describeRoute({
      summary: 'Papers listed under an author name',
      description:
        'Names are matched exactly as the papers write them; people who write their name differently appear under several names (see variants).',
      operationId: 'getAuthor',
      responses: {
        200: jsonResponse(AuthorProfileSchema, 'The author name.'),
        404: errorResponse('No visible paper lists this name.'),
      },
    }),
    validator('param', authorParams, rejectInvalid),
    validator('query', pageQuery, rejectInvalid),
    async (c) => {
      const profile = await authorProfile(c.get('deps'), { name: c.req.valid('param').name, page: c.req.valid('query').p });
      return c.json({
        name: profile.name,
        numPapers: profile.paperCount,
        upvotes: profile.upvotes,
        page: profile.page,
        numPages: profile.pageCount,
        papers: profile.papers.map(apiPaper),
        coauthors: profile.coauthors,
        categories: profile.categories,
        words: profile.words,
        counts: profile.months.map((m) => ({ period: m.period, count: m.papers })),
        variants: profile.variants,
        claimedBy: profile.claimedBy,
      });
    },
  )
  .get('/authors/:name', validator('param', authorParams, rejectInvalid), validator('query', pageQuery, rejectInvalid), async (c) => {
    const { name } = c.req.valid('param');
    const body = await renderPage(c, async (page) => {
      const deps = c.get('deps');
      const profile = await authorProfile(deps, { name, page: c.req.valid('query').p });
      const ids = profile.papers.map((item) => item.paper.id);
      const db = deps.store.db;
      const [voted, saved, followed] = page.viewer
        ? await Promise.all([
            votedPaperIds(db, page.viewer.id, ids),
            savedPaperIds(db, page.viewer.id, ids),
            followedValues(db, page.viewer.id, 'author', [tidy(name)]),
          ])
        : [new Set<string>(), new Set<string>(), new Set<string>()];
      return authorPage({ page, profile, voted, saved, followed: followed.has(tidy(name)) });
    });
    return c.html(body!);
  })
  .get('/admin/author-claims', requireAdmin, async (c) =>
    c.html(authorClaimsAdminPage({ page: pageContext(c), claims: await pendingClaims(c.get('deps').store.db, PENDING_CLAIMS_SHOWN) })),
  )
  .post(
    '/admin/author-claims/:id{[0-9]{1,12}}',
    requireAdmin,
    validator('param', decisionParams, rejectInvalid),
    validator('form', decisionForm, rejectInvalid),
    async (c) => {
      await decideAuthorClaim(c.get('deps'), actorOf(c.get('user')!), {
        claimId: c.req.valid('param').id,
        approve: c.req.valid('form').decision === 'approve',
      });
      return c.redirect('/admin/author-claims', 303);
    },
  )
  .post('/author-claims/:id{[0-9]{1,12}}/withdraw', requireUser, validator('param', decisionParams, rejectInvalid), async (c) => {
    const { paperId } = await withdrawAuthorClaim(c.get('deps'), actorOf(c.get('user')!), { claimId: c.req.valid('param').id });
    return c.redirect(`/papers/${paperId}`, 303);
  });

for (const PAPER of PAPER_ID_PATHS.map((p) => `/papers/${p}`)) {
  authorsRoutes.post(
    `${PAPER}/claim-author`,
    requireUser,
    rateLimit('claim', RATE_LIMITS.submit),
    validator('form', claimForm, rejectInvalid),
    async (c) => {
      const paperId = paperIdOf(c);
      await claimAuthorship(c.get('deps'), actorOf(c.get('user')!), { paperId, authorName: c.req.valid('form').author });
      return c.redirect(`/papers/${paperId}`, 303);
    },
  );
}
