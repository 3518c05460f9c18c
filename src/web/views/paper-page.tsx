import type { NeighbourPoint } from '../../map/map.repository.js';
import { NeighbourhoodMap } from './map-neighbourhood.js';
import type { PaperThread } from '../../community/comments.service.js';
import type { ListedPaper } from '../../feed/paper-listing.js';
import { arxivAbsUrl, arxivPdfUrl } from '../../papers/arxiv-id.js';
import type { Paper } from '../../papers/paper.js';
import type { PageContext } from '../viewer.js';
import { CommentThread } from './comments.js';
import { tidy, type RatingValue } from '../../signals/signal-limits.js';
import { SaveButton } from './save-button.js';
import { FollowButton, RatingButtons } from './signal-buttons.js';
import { ClaimButton, ClaimedAuthor, type ViewerClaim } from './author-claim-parts.js';
import type { ApprovedAuthor } from '../../authors/author-claims.repository.js';
import {
  AiSummary,
  authorPath,
  Categories,
  CodeLink,
  displayTitle,
  formatCount,
  formatDay,
  imageUrl,
  OrganizationName,
  paperPath,
  shortAuthors,
  VoteButton,
} from './components.js';

export interface PaperPageProps {
  readonly page: PageContext;
  readonly item: ListedPaper;
  readonly voters: number;
  readonly voted: boolean;
  /** Whether the signed-in viewer has the paper in their library. */
  readonly saved?: boolean;
  /** The signed-in viewer's private rating of the paper. */
  readonly rating?: RatingValue | null;
  /** Which of the paper's authors (tidied as stored) the signed-in viewer follows. */
  readonly followedAuthors?: ReadonlySet<string>;
  /** Approved authorship claims: the author name as listed → the reader who is that author. */
  readonly authorClaims?: ReadonlyMap<string, ApprovedAuthor>;
  /** The signed-in viewer's own claims on this paper: author name → the claim. */
  readonly viewerClaims?: ReadonlyMap<string, ViewerClaim>;
  readonly thread: PaperThread;
  readonly similar: readonly Paper[];
  /** The paper's neighbourhood on the map of the field (empty when the map has no point for it). */
  readonly mapNeighbourhood?: readonly NeighbourPoint[];
  readonly now: Date;
  /** Visible comments made here (the rest of item.comments were imported). */
  readonly paperLocalComments: number;
}

function safeExternal(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function PaperContent({
  page,
  item,
  voters,
  voted,
  saved = false,
  rating = null,
  followedAuthors = new Set(),
  authorClaims = new Map(),
  viewerClaims = new Map(),
  thread,
  similar,
  mapNeighbourhood = [],
  now,
  paperLocalComments,
}: PaperPageProps) {
  const { paper } = item;
  const projectPage = safeExternal(paper.projectPage);
  const thumbnail = imageUrl(paper.thumbnail);
  const title = displayTitle(item);
  return (
    <>
      <article class="paper-detail">
        <div class="paper-head">
          <VoteButton paperId={paper.id} upvotes={item.upvotes} voted={voted} page={page} />
          <div>
            <h1>{title}</h1>
            <p class="voters muted">
              {formatCount(item.upvotes)} upvotes · {formatCount(voters)} {voters === 1 ? 'voter' : 'voters'} here
            </p>
            <SaveButton paperId={paper.id} saved={saved} page={page} />
            <RatingButtons paperId={paper.id} rating={rating} page={page} />
          </div>
        </div>
        {paper.hidden ? <p class="notice">This paper is hidden from listings by a moderator.</p> : null}
        <ul class="author-list" aria-label="Authors">
          {paper.authors.map((author) => (
            <li>
              <a href={authorPath(author)}>{author}</a> <ClaimedAuthor approved={authorClaims.get(author)} page={page} />
              <FollowButton kind="author" value={author} followed={followedAuthors.has(tidy(author))} page={page} />
              {authorClaims.has(author) ? null : (
                <ClaimButton paperId={paper.id} author={author} claim={viewerClaims.get(author)} page={page} />
              )}
            </li>
          ))}
        </ul>
        {paper.organization ? (
          <p class="muted">
            <OrganizationName organization={paper.organization} />
          </p>
        ) : null}
        <dl class="dates">
          {paper.publishedAt ? (
            <>
              <dt>Published</dt>
              <dd>
                <time datetime={paper.publishedAt}>{formatDay(paper.publishedAt)}</time>
              </dd>
            </>
          ) : null}
          {paper.updatedAt && paper.updatedAt !== paper.publishedAt ? (
            <>
              <dt>Updated</dt>
              <dd>
                <time datetime={paper.updatedAt}>{formatDay(paper.updatedAt)}</time>
              </dd>
            </>
          ) : null}
          {item.day ? (
            <>
              <dt>Featured</dt>
              <dd>
                <a href={`/papers/date/${item.day}`}>
                  <time datetime={item.day}>{formatDay(item.day)}</time>
                </a>
                {item.submittedBy ? (
                  <>
                    {' '}
                    — submitted by <a href={`/u/${encodeURIComponent(item.submittedBy)}`}>{item.submittedBy}</a>
                  </>
                ) : null}
              </dd>
            </>
          ) : null}
        </dl>
        <Categories categories={paper.categories} />
        <p class="links">
          <a class="button" href={arxivAbsUrl(paper.id)} rel="noopener">
            arXiv page
          </a>
          <a class="button" href={arxivPdfUrl(paper.id)} rel="noopener">
            PDF
          </a>
          <CodeLink repo={paper.codeRepo} />
          {projectPage ? (
            <a href={projectPage} rel="noopener nofollow">
              Project page
            </a>
          ) : null}
        </p>
        {thumbnail ? (
          // Decorative: it repeats the title above, and an instance without internet shows nothing rather than a broken image.
          <img class="thumbnail" src={thumbnail} alt="" loading="lazy" referrerpolicy="no-referrer" />
        ) : null}
        <AiSummary summary={paper.aiSummary} keywords={paper.aiKeywords} />
        <h2>Abstract</h2>
        <p class="abstract-full">{paper.abstract}</p>
        {paper.comments ? <p class="muted">arXiv comments: {paper.comments}</p> : null}
        {page.viewer?.isAdmin ? (
          <form method="post" action={`${paperPath(paper.id)}/hide`} class="admin-form">
            <input type="hidden" name="_csrf" value={page.csrfToken} />
            <input type="hidden" name="hidden" value={paper.hidden ? '0' : '1'} />
            <button type="submit">{paper.hidden ? 'Unhide paper' : 'Hide paper'}</button>
          </form>
        ) : null}
      </article>
      <div class="paper-columns">
        <CommentThread
          thread={thread}
          page={page}
          now={now}
          paperId={paper.id}
          imported={Math.max(0, item.comments - paperLocalComments)}
        />
        <aside class="similar" aria-labelledby="similar-title">
          <h2 id="similar-title">Similar papers</h2>
          {similar.length === 0 ? (
            <p class="empty">None found.</p>
          ) : (
            <ol>
              {similar.map((p) => (
                <li>
                  <a href={paperPath(p.id)}>{p.title}</a>
                  <span class="muted"> — {shortAuthors(p.authors, 2)}</span>
                </li>
              ))}
            </ol>
          )}
          <NeighbourhoodMap paperId={paper.id} points={mapNeighbourhood} />
        </aside>
      </div>
    </>
  );
}
