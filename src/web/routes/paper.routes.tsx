import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CommunityError } from '../../community/community-error.js';
import { deleteComment, editComment, hideComment, paperThread, postComment } from '../../community/comments.service.js';
import { setPaperHidden } from '../../community/moderation.js';
import { addVote, countVoters, removeVote, votedPaperIds } from '../../community/votes.repository.js';
import { getListedPaper } from '../../feed/paper-listing.js';
import type { Paper } from '../../papers/paper.js';
import { requireAdmin, requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { pageCacheFor } from '../page-cache.js';
import { PAPER_ID_PATHS, paperIdFromParams } from '../request-params.js';
import { renderPage } from '../anonymous-page.js';
import { actorOf, safeNext } from '../viewer.js';
import { html } from '../views/components.js';
import { Layout } from '../views/layout.js';
import { visibleCount } from '../views/comments.js';
import { PaperContent } from '../views/paper-page.js';

export const SIMILAR_COUNT = 6;

/** Turns a refused community action into the matching HTTP error. */
export function asHttpError(error: unknown): never {
  if (error instanceof CommunityError) throw new HTTPException(error.status, { message: error.message });
  throw error;
}

async function similarPapers(c: Context<AppEnv>, paperId: string): Promise<readonly Paper[]> {
  try {
    return (await c.get('deps').search.similar(paperId, SIMILAR_COUNT)).filter((p) => !p.hidden);
  } catch (error) {
    c.get('deps').logger.error('similar papers failed', { paperId, error: String(error) });
    return [];
  }
}

async function formField(c: Context<AppEnv>, name: string): Promise<string> {
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

/** The arXiv id captured by the route pattern, without a version suffix. */
export function paperIdParam(c: Context<AppEnv>): string {
  return paperIdFromParams(c.req.param()).replace(/v\d+$/, '');
}

function clearPages(c: Context<AppEnv>): void {
  pageCacheFor(c.get('deps').store).clear();
}

export const paperRoutes = new Hono<AppEnv>();

for (const PAPER of PAPER_ID_PATHS.map((p) => `/papers/${p}`)) {
  paperRoutes
    .get(PAPER, async (c) => {
      const raw = paperIdFromParams(c.req.param());
      const id = paperIdParam(c);
      if (raw !== id) return c.redirect(`/papers/${id}`, 301);
      const { store, now } = c.get('deps');
      const body = await renderPage(c, async (page) => {
        const viewer = page.viewer;
        const item = await getListedPaper(store.db, id);
        if (!item || (item.paper.hidden && !viewer?.isAdmin)) return null;
        const [voters, thread, similar, voted] = await Promise.all([
          countVoters(store.db, id),
          paperThread(store.db, id, viewer?.isAdmin ?? false),
          similarPapers(c, id),
          viewer ? votedPaperIds(store.db, viewer.id, [id]) : Promise.resolve(new Set<string>()),
        ]);
        return html(
          <Layout title={item.paper.title} page={page} description={item.paper.abstract.slice(0, 200)}>
            <PaperContent
              page={page}
              item={item}
              voters={voters}
              voted={voted.has(id)}
              thread={thread}
              similar={similar}
              now={now()}
              paperLocalComments={visibleCount(thread)}
            />
          </Layout>,
        );
      });
      return body === null ? c.notFound() : c.html(body);
    })
    .post(`${PAPER}/upvote`, requireUser, rateLimit('vote', RATE_LIMITS.vote), async (c) => {
      const id = paperIdParam(c);
      const user = c.get('user')!;
      if (user.banned) throw new HTTPException(403, { message: 'Your account is banned from voting.' });
      const { store, now } = c.get('deps');
      const action = await formField(c, 'action');
      if (action !== 'add' && action !== 'remove') throw new HTTPException(400, { message: 'action must be "add" or "remove".' });
      const exists = await store.db.selectFrom('papers').select('id').where('id', '=', id).where('hidden', '=', 0).executeTakeFirst();
      if (!exists) return c.notFound();
      await store.db
        .transaction()
        .execute((trx) => (action === 'add' ? addVote(trx, user.id, id, now().toISOString()) : removeVote(trx, user.id, id)));
      clearPages(c);
      return c.redirect(safeNext(await formField(c, 'next'), `/papers/${id}`), 303);
    })
    .post(`${PAPER}/comments`, requireUser, rateLimit('comment', RATE_LIMITS.comment), async (c) => {
      const id = paperIdParam(c);
      const { store, now } = c.get('deps');
      const parentRaw = await formField(c, 'parent_id');
      if (parentRaw !== '' && !/^\d{1,12}$/.test(parentRaw)) throw new HTTPException(400, { message: 'parent_id must be a comment id.' });
      const commentId = await postComment(
        store.db,
        actorOf(c.get('user')!),
        { paperId: id, parentId: parentRaw === '' ? null : Number(parentRaw), body: await formField(c, 'body') },
        now(),
      ).catch(asHttpError);
      clearPages(c);
      return c.redirect(`/papers/${id}#comment-${commentId}`, 303);
    })
    .post(`${PAPER}/hide`, requireAdmin, async (c) => {
      const id = paperIdParam(c);
      const hidden = (await formField(c, 'hidden')) !== '0';
      await setPaperHidden(c.get('deps').store.db, actorOf(c.get('user')!), id, hidden).catch(asHttpError);
      clearPages(c);
      return c.redirect(`/papers/${id}`, 303);
    });
}

paperRoutes
  .post('/comments/:cid{[0-9]{1,12}}/edit', requireUser, async (c) => {
    const { store, now } = c.get('deps');
    const comment = await editComment(
      store.db,
      actorOf(c.get('user')!),
      Number(c.req.param('cid')),
      await formField(c, 'body'),
      now(),
    ).catch(asHttpError);
    clearPages(c);
    return c.redirect(`/papers/${comment.paperId}#comment-${comment.id}`, 303);
  })
  .post('/comments/:cid{[0-9]{1,12}}/delete', requireUser, async (c) => {
    const { store, now } = c.get('deps');
    const comment = await deleteComment(store.db, actorOf(c.get('user')!), Number(c.req.param('cid')), now()).catch(asHttpError);
    clearPages(c);
    return c.redirect(`/papers/${comment.paperId}#comments`, 303);
  })
  .post('/comments/:cid{[0-9]{1,12}}/hide', requireAdmin, async (c) => {
    const hidden = (await formField(c, 'hidden')) !== '0';
    const comment = await hideComment(c.get('deps').store.db, actorOf(c.get('user')!), Number(c.req.param('cid')), hidden).catch(
      asHttpError,
    );
    clearPages(c);
    return c.redirect(`/papers/${comment.paperId}#comment-${comment.id}`, 303);
  });
