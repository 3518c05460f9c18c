import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { Refused } from '../../refused.js';
import { approvedClaimsOfUser } from '../../authors/author-claims.repository.js';
import { countUserComments } from '../../community/comments.repository.js';
import { banUser, setPaperHidden } from '../../community/moderation.js';
import { submitPaper } from '../../community/submissions.js';
import { votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { getListedPaper, listPapers } from '../../feed/paper-listing.js';
import { parseArxivId } from '../../papers/arxiv-id.js';
import { requireAdmin, requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { formText, rejectInvalid } from '../request-params.js';
import { actorOf, pageContext } from '../viewer.js';
import { adminPage, submitPage, userPage } from '../views/community-pages.js';

const PROFILE_LIST_SIZE = 50;

const USERNAME = '{[A-Za-z0-9_-]{1,40}}';
const trimmedField = () => formText().transform((v) => v.trim());
const submitForm = z.object({ paper: trimmedField() });
const banForm = z.object({ username: trimmedField() });
/** Anything but "0" bans; "0" lifts the ban. */
const bannedForm = z.object({ banned: z.string().optional() });
const hidePaperForm = z.object({ paper: trimmedField() });

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
  .post('/submit', requireUser, rateLimit('submit', RATE_LIMITS.submit), validator('form', submitForm, rejectInvalid), async (c) => {
    const deps = c.get('deps');
    const { paper: value } = c.req.valid('form');
    const page = pageContext(c);
    try {
      const submission = await submitPaper({ ...deps, arxivApiUrl: c.get('config').arxivApiUrl }, actorOf(c.get('user')!), {
        paper: value,
      });
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
      // The form comes back with the reason inline rather than as an error page.
      if (!(error instanceof Refused)) throw error;
      return c.html(submitPage({ page, value, error: error.message, success: null }), error.status);
    }
  })
  .get(`/u/:username${USERNAME}`, async (c) => {
    const { store } = c.get('deps');
    const username = c.req.param('username');
    const profile = await store.db
      .selectFrom('users')
      .select(['id', 'username', 'created_at', 'is_admin', 'banned'])
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
    if (!profile) return c.notFound();
    const userId = Number(profile.id);
    const [authored, submissions, upvoted, comments] = await Promise.all([
      approvedClaimsOfUser(store.db, userId, PROFILE_LIST_SIZE),
      listPapers(store.db, { submittedBy: userId, sort: 'publishedAt', limit: PROFILE_LIST_SIZE, offset: 0 }),
      listPapers(store.db, { upvotedBy: userId, sort: 'publishedAt', limit: PROFILE_LIST_SIZE, offset: 0 }),
      countUserComments(store.db, userId),
    ]);
    const page = pageContext(c);
    const ids = [...submissions.items, ...upvoted.items].map((i) => i.paper.id);
    const [voted, saved] = page.viewer
      ? await Promise.all([votedPaperIds(store.db, page.viewer.id, ids), savedPaperIds(store.db, page.viewer.id, ids)])
      : [new Set<string>(), new Set<string>()];
    return c.html(
      userPage({
        page,
        profile: {
          username: profile.username,
          createdAt: profile.created_at,
          isAdmin: profile.is_admin === 1,
          banned: profile.banned === 1,
        },
        authored,
        submissions: submissions.items,
        upvoted: upvoted.items,
        comments,
        voted,
        saved,
      }),
    );
  })
  .get('/admin', requireAdmin, (c) => renderAdmin(c, null))
  .post('/admin/ban', requireAdmin, validator('form', banForm, rejectInvalid), async (c) => {
    const { username } = c.req.valid('form');
    try {
      const user = await banUser(c.get('deps'), actorOf(c.get('user')!), { username, banned: true });
      return renderAdmin(c, `${user.username} is banned.`);
    } catch (error) {
      // The admin page comes back with the reason inline.
      if (!(error instanceof Refused) || (error.status !== 400 && error.status !== 404)) throw error;
      return renderAdmin(c, error.message, error.status);
    }
  })
  .post(`/admin/users/:username${USERNAME}/ban`, requireAdmin, validator('form', bannedForm, rejectInvalid), async (c) => {
    const user = await banUser(c.get('deps'), actorOf(c.get('user')!), {
      username: c.req.param('username'),
      banned: c.req.valid('form').banned !== '0',
    });
    return c.redirect(`/u/${encodeURIComponent(user.username)}`, 303);
  })
  .post('/admin/hide-paper', requireAdmin, validator('form', hidePaperForm, rejectInvalid), async (c) => {
    const id = parseArxivId(c.req.valid('form').paper)?.id;
    if (!id) return renderAdmin(c, 'Give an arXiv id.', 400);
    await setPaperHidden(c.get('deps'), actorOf(c.get('user')!), { paperId: id, hidden: true });
    return renderAdmin(c, `Paper ${id} is hidden.`);
  });
