import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { deleteComment, editComment, hideComment, paperThread, postComment } from '../../community/comments.service.js';
import { setPaperHidden } from '../../community/moderation.js';
import { countVoters, votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { tidy } from '../../signals/signal-limits.js';
import { approvedClaimsOfPaper, claimsOfUserOnPaper } from '../../authors/author-claims.repository.js';
import { followedValues, ratingOf } from '../../signals/signals.repository.js';
import { votePaper } from '../../community/voting.js';
import { getListedPaper } from '../../feed/paper-listing.js';
import { mapNeighbourhood } from '../../map/map.repository.js';
import type { Paper } from '../../papers/paper.js';
import { requireAdmin, requireUser } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { rateLimit } from '../middleware/rate-limit.js';
import type { AppEnv } from '../env.js';
import { PAPER_ID_PATHS, formText, paperIdFromParams, paperIdOf, rejectInvalid } from '../request-params.js';
import { renderPage } from '../anonymous-page.js';
import { actorOf, safeNext } from '../viewer.js';
import { displayTitle, html } from '../views/components.js';
import { Layout } from '../views/layout.js';
import { visibleCount } from '../views/comments.js';
import { PaperContent } from '../views/paper-page.js';

export const SIMILAR_COUNT = 6;
/** Papers drawn around a paper in its small map. */
const MAP_NEIGHBOURS = 60;

const voteForm = z.object({
  action: z.enum(['add', 'remove'], { error: 'action must be "add" or "remove"' }),
  next: z.string().optional(),
});
const commentForm = z.object({
  body: formText(),
  parent_id: z.union([z.literal(''), z.string().regex(/^\d{1,12}$/)], { error: 'parent_id must be a comment id' }).default(''),
});
const bodyForm = z.object({ body: formText() });
/** Anything but "0" hides; "0" shows again. */
const hiddenForm = z.object({ hidden: z.string().optional() });
const commentPath = z.object({ cid: z.coerce.number().int().positive() });

async function similarPapers(c: Context<AppEnv>, paperId: string): Promise<readonly Paper[]> {
  try {
    return (await c.get('deps').search.similar(paperId, SIMILAR_COUNT)).map((listed) => listed.paper);
  } catch (error) {
    c.get('deps').logger.error('similar papers failed', { paperId, error: String(error) });
    return [];
  }
}

export const paperRoutes = new Hono<AppEnv>();

for (const PAPER of PAPER_ID_PATHS.map((p) => `/papers/${p}`)) {
  paperRoutes
    .get(PAPER, async (c) => {
      const raw = paperIdFromParams(c.req.param());
      const id = paperIdOf(c);
      if (raw !== id) return c.redirect(`/papers/${id}`, 301);
      const { store, now } = c.get('deps');
      const body = await renderPage(c, async (page) => {
        const viewer = page.viewer;
        const item = await getListedPaper(store.db, id);
        if (!item || (item.paper.hidden && !viewer?.isAdmin)) return null;
        const [voters, thread, similar, voted, saved, rating, followedAuthors, neighbourhood, authorClaims, viewerClaims] =
          await Promise.all([
            countVoters(store.db, id),
            paperThread(store.db, id, viewer?.isAdmin ?? false),
            similarPapers(c, id),
            viewer ? votedPaperIds(store.db, viewer.id, [id]) : Promise.resolve(new Set<string>()),
            viewer ? savedPaperIds(store.db, viewer.id, [id]) : Promise.resolve(new Set<string>()),
            viewer ? ratingOf(store.db, viewer.id, id) : Promise.resolve(null),
            viewer ? followedValues(store.db, viewer.id, 'author', item.paper.authors.map(tidy)) : Promise.resolve(new Set<string>()),
            mapNeighbourhood(store.db, id, MAP_NEIGHBOURS),
            approvedClaimsOfPaper(store.db, id),
            viewer ? claimsOfUserOnPaper(store.db, viewer.id, id) : Promise.resolve([]),
          ]);
        return html(
          <Layout title={displayTitle(item)} page={page} description={item.paper.abstract.slice(0, 200)}>
            <PaperContent
              page={page}
              item={item}
              voters={voters}
              voted={voted.has(id)}
              saved={saved.has(id)}
              rating={rating}
              followedAuthors={followedAuthors}
              authorClaims={authorClaims}
              viewerClaims={new Map(viewerClaims.map((claim) => [claim.authorName, { id: claim.id, status: claim.status }]))}
              thread={thread}
              similar={similar}
              mapNeighbourhood={neighbourhood}
              now={now()}
              paperLocalComments={visibleCount(thread.nodes)}
            />
          </Layout>,
        );
      });
      return body === null ? c.notFound() : c.html(body);
    })
    .post(`${PAPER}/upvote`, requireUser, rateLimit('vote', RATE_LIMITS.vote), validator('form', voteForm, rejectInvalid), async (c) => {
      const form = c.req.valid('form');
      const vote = await votePaper(c.get('deps'), actorOf(c.get('user')!), { paperId: paperIdOf(c), action: form.action });
      return c.redirect(safeNext(form.next, `/papers/${vote.paperId}`), 303);
    })
    .post(
      `${PAPER}/comments`,
      requireUser,
      rateLimit('comment', RATE_LIMITS.comment),
      validator('form', commentForm, rejectInvalid),
      async (c) => {
        const form = c.req.valid('form');
        const comment = await postComment(c.get('deps'), actorOf(c.get('user')!), {
          paperId: paperIdOf(c),
          parentId: form.parent_id === '' ? null : Number(form.parent_id),
          body: form.body,
        });
        return c.redirect(`/papers/${comment.paperId}#comment-${comment.commentId}`, 303);
      },
    )
    .post(`${PAPER}/hide`, requireAdmin, validator('form', hiddenForm, rejectInvalid), async (c) => {
      const id = paperIdOf(c);
      await setPaperHidden(c.get('deps'), actorOf(c.get('user')!), { paperId: id, hidden: c.req.valid('form').hidden !== '0' });
      return c.redirect(`/papers/${id}`, 303);
    });
}

paperRoutes
  .post(
    '/comments/:cid{[0-9]{1,12}}/edit',
    requireUser,
    validator('param', commentPath, rejectInvalid),
    validator('form', bodyForm, rejectInvalid),
    async (c) => {
      const comment = await editComment(c.get('deps'), actorOf(c.get('user')!), {
        commentId: c.req.valid('param').cid,
        body: c.req.valid('form').body,
      });
      return c.redirect(`/papers/${comment.paperId}#comment-${comment.commentId}`, 303);
    },
  )
  .post('/comments/:cid{[0-9]{1,12}}/delete', requireUser, validator('param', commentPath, rejectInvalid), async (c) => {
    const comment = await deleteComment(c.get('deps'), actorOf(c.get('user')!), { commentId: c.req.valid('param').cid });
    return c.redirect(`/papers/${comment.paperId}#comments`, 303);
  })
  .post(
    '/comments/:cid{[0-9]{1,12}}/hide',
    requireAdmin,
    validator('param', commentPath, rejectInvalid),
    validator('form', hiddenForm, rejectInvalid),
    async (c) => {
      const comment = await hideComment(c.get('deps'), actorOf(c.get('user')!), {
        commentId: c.req.valid('param').cid,
        hidden: c.req.valid('form').hidden !== '0',
      });
      return c.redirect(`/papers/${comment.paperId}#comment-${comment.commentId}`, 303);
    },
  );
