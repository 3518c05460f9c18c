import { Hono, type Context } from 'hono';
import { CommunityError } from '../../community/community-error.js';
import { countUserComments } from '../../community/comments.repository.js';
import { setPaperHidden } from '../../community/moderation.js';
import { submitPaper } from '../../community/submissions.js';
import { votedPaperIds } from '../../community/votes.repository.js';
import { getListedPaper, listPapers } from '../../feed/paper-listing.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { requireAdmin, requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { pageCacheFor } from '../page-cache.js';
import { actorOf, pageContext } from '../viewer.js';
import { adminPage, submitPage, userPage } from '../views/community-pages.js';
import { asHttpError } from './paper.routes.js';

const PROFILE_LIST_SIZE = 50;

async function field(c: Context<AppEnv>, name: string): Promise<string> {
  const value = (await c.req.parseBody())[name];
  return typeof value === 'string' ? value.trim() : '';
}

async function renderAdmin(c: Context<AppEnv>, message: string | null, status: 200 | 400 | 404 = 200) {
  const db = c.get('deps').store.db;
  const [hiddenPapers, hiddenComments, bannedUsers] = await Promise.all([
    db.selectFrom('papers').select(['id', 'title']).where('hidden', '=', 1).orderBy('id').limit(200).execute(),
    db
      .selectFrom('comments')
      .innerJoin('users', 'users.id', 'comments.user_id')
      .select(['comments.id', 'comments.paper_id', 'users.username', 'comments.body'])
      .where('comments.hidden', '=', 1)
      .orderBy('comments.id', 'desc')
      .limit(200)
      .execute(),
    db.selectFrom('users').select(['username']).where('banned', '=', 1).orderBy('username').limit(200).execute(),
  ]);
  return c.html(
    adminPage({
      page: pageContext(c),
      hiddenPapers,
      hiddenComments: hiddenComments.map((r) => ({ id: Number(r.id), paperId: r.paper_id, username: r.username, body: r.body })),
      bannedUsers,
      message,
    }),
    status,
  );
}

export const communityRoutes = new Hono<AppEnv>()
  .get('/submit', requireUser, (c) => c.html(submitPage({ page: pageContext(c), value: '', error: null, success: null })))
  .post('/submit', requireUser, rateLimit('submit', RATE_LIMITS.submit), async (c) => {
    const deps = c.get('deps');
    const config = c.get('config');
    const value = await field(c, 'paper');
    const page = pageContext(c);
    try {
      const submission = await submitPaper(
        { store: deps.store, logger: deps.logger, arxivApiUrl: config.arxivApiUrl, onNewPapers: (ids) => deps.search.indexPapers(ids) },
        actorOf(c.get('user')!),
        value,
        deps.now(),
      );
      pageCacheFor(deps.store).clear();
      const item = await getListedPaper(deps.store.db, submission.paperId);
      return c.html(
        submitPage({
          page,
          value: '',
          error: null,
          success: { paperId: submission.paperId, title: item?.paper.title ?? submission.paperId },
        }),
      );
    } catch (error) {
      if (!(error instanceof CommunityError)) throw error;
      return c.html(submitPage({ page, value, error: error.message, success: null }), error.status);
    }
  })
  .get('/u/:username{[A-Za-z0-9_-]{1,40}}', async (c) => {
    const { store } = c.get('deps');
    const username = c.req.param('username');
    const profile = await store.db
      .selectFrom('users')
      .select(['id', 'username', 'created_at', 'is_admin', 'banned'])
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
    if (!profile) return c.notFound();
    const userId = Number(profile.id);
    const [submissions, upvoted, comments] = await Promise.all([
      listPapers(store.db, { submittedBy: userId, sort: 'publishedAt', limit: PROFILE_LIST_SIZE, offset: 0 }),
      listPapers(store.db, { upvotedBy: userId, sort: 'publishedAt', limit: PROFILE_LIST_SIZE, offset: 0 }),
      countUserComments(store.db, userId),
    ]);
    const page = pageContext(c);
    const ids = [...submissions.items, ...upvoted.items].map((i) => i.paper.id);
    const voted = page.viewer ? await votedPaperIds(store.db, page.viewer.id, ids) : new Set<string>();
    return c.html(
      userPage({
        page,
        profile: {
          username: profile.username,
          createdAt: profile.created_at,
          isAdmin: profile.is_admin === 1,
          banned: profile.banned === 1,
        },
        submissions: submissions.items,
        upvoted: upvoted.items,
        comments,
        voted,
      }),
    );
  })
  .get('/admin', requireAdmin, (c) => renderAdmin(c, null))
  .post('/admin/ban', requireAdmin, async (c) => {
    const username = await field(c, 'username');
    if (username === c.get('user')!.username) return renderAdmin(c, 'You cannot ban yourself.', 400);
    const user = await c.get('deps').accounts.setBanned(username, true);
    return renderAdmin(c, user ? `${user.username} is banned.` : `No user named ${username}.`, user ? 200 : 404);
  })
  .post('/admin/users/:username{[A-Za-z0-9_-]{1,40}}/ban', requireAdmin, async (c) => {
    const username = c.req.param('username');
    const banned = (await field(c, 'banned')) !== '0';
    if (username === c.get('user')!.username) return renderAdmin(c, 'You cannot ban yourself.', 400);
    const user = await c.get('deps').accounts.setBanned(username, banned);
    if (!user) return c.notFound();
    pageCacheFor(c.get('deps').store).clear();
    return c.redirect(`/u/${encodeURIComponent(user.username)}`, 303);
  })
  .post('/admin/hide-paper', requireAdmin, async (c) => {
    const id = parseArxivId(await field(c, 'paper'))?.id;
    if (!id) return renderAdmin(c, 'Give an arXiv id.', 400);
    await setPaperHidden(c.get('deps').store.db, actorOf(c.get('user')!), id, true).catch(asHttpError);
    pageCacheFor(c.get('deps').store).clear();
    return renderAdmin(c, `Paper ${id} is hidden.`);
  });
