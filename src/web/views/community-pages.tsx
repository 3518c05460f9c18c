import type { ListedPaper } from '../../feed/paper-listing.js';
import type { PageContext } from '../viewer.js';
import type { AuthorClaim } from '../../authors/author-claims.repository.js';
import { authorPath, formatDay, html, PaperCard, paperPath } from './components.js';
import { Layout } from './layout.js';

export function submitPage({
  page,
  value,
  error,
  success,
}: {
  page: PageContext;
  value: string;
  error: string | null;
  success: { paperId: string; title: string } | null;
}) {
  return html(
    <Layout title="Submit a paper" page={page}>
      <section class="narrow">
        <h1>Submit a paper</h1>
        <p>Share a paper with the community: it goes on today's feed. Papers not in Paperboy yet are fetched from arXiv.</p>
        {success ? (
          <p class="notice success" role="status">
            Thanks! <a href={`/papers/${success.paperId}`}>{success.title}</a> is on today's feed.
          </p>
        ) : null}
        {error ? (
          <p class="notice error" role="alert">
            {error}
          </p>
        ) : null}
        <form method="post" action="/submit" class="stacked-form">
          <input type="hidden" name="_csrf" value={page.csrfToken} />
          <label for="submit-paper">arXiv id or URL</label>
          <input
            id="submit-paper"
            name="paper"
            required
            value={value}
            placeholder="2501.12345 or https://arxiv.org/abs/2501.12345"
            autocomplete="off"
          />
          <button type="submit">Submit</button>
        </form>
      </section>
    </Layout>,
  );
}

export interface UserPageProps {
  readonly page: PageContext;
  readonly profile: { username: string; createdAt: string; isAdmin: boolean; banned: boolean };
  /** Papers an administrator confirmed the user as an author of. */
  readonly authored?: readonly AuthorClaim[];
  readonly submissions: readonly ListedPaper[];
  readonly upvoted: readonly ListedPaper[];
  readonly comments: number;
  readonly voted: ReadonlySet<string>;
  readonly saved?: ReadonlySet<string>;
}

export function userPage({ page, profile, authored = [], submissions, upvoted, comments, voted, saved }: UserPageProps) {
  const viewer = page.viewer;
  return html(
    <Layout title={profile.username} page={page}>
      <section>
        <h1>{profile.username}</h1>
        <p class="muted">
          Joined {formatDay(profile.createdAt)} · {submissions.length} submissions · {upvoted.length} upvotes · {comments} comments
          {profile.isAdmin ? ' · admin' : ''}
          {profile.banned ? ' · banned' : ''}
        </p>
        {viewer?.isAdmin && viewer.username !== profile.username ? (
          <form method="post" action={`/admin/users/${encodeURIComponent(profile.username)}/ban`} class="admin-form">
            <input type="hidden" name="_csrf" value={page.csrfToken} />
            <input type="hidden" name="banned" value={profile.banned ? '0' : '1'} />
            <button type="submit">{profile.banned ? 'Unban user' : 'Ban user'}</button>
          </form>
        ) : null}
        {authored.length > 0 ? (
          <>
            <h2>Papers they wrote</h2>
            <p class="hint">Authorship confirmed by an administrator.</p>
            <ul class="authored-papers">
              {authored.map((claim) => (
                <li>
                  <a href={paperPath(claim.paperId)}>{claim.paperTitle}</a> <span class="muted">as</span>{' '}
                  <a href={authorPath(claim.authorName)}>{claim.authorName}</a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2>Submissions</h2>
        {submissions.length === 0 ? (
          <p class="empty">No submissions yet.</p>
        ) : (
          submissions.map((item) => (
            <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved?.has(item.paper.id)} headingLevel={3} />
          ))
        )}
        <h2>Upvoted papers</h2>
        {upvoted.length === 0 ? (
          <p class="empty">No upvotes yet.</p>
        ) : (
          upvoted.map((item) => (
            <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved?.has(item.paper.id)} headingLevel={3} />
          ))
        )}
      </section>
    </Layout>,
  );
}

export interface AdminPageProps {
  readonly page: PageContext;
  readonly hiddenPapers: readonly { id: string; title: string }[];
  readonly hiddenComments: readonly { id: number; paperId: string; username: string; body: string }[];
  readonly bannedUsers: readonly { username: string }[];
  readonly message: string | null;
}

export function adminPage({ page, hiddenPapers, hiddenComments, bannedUsers, message }: AdminPageProps) {
  const csrf = <input type="hidden" name="_csrf" value={page.csrfToken} />;
  return html(
    <Layout title="Moderation" page={page}>
      <section class="narrow">
        <h1>Moderation</h1>
        <p>
          <a href="/admin/sources">Live sources</a>: state of the Hugging Face mirror, GitHub stars and arXiv harvest.
        </p>
        <p>
          <a href="/admin/author-claims">Authorship claims</a>: readers who say they are an author of a paper.
        </p>
        {message ? (
          <p class="notice" role="status">
            {message}
          </p>
        ) : null}
        <h2>Ban a user</h2>
        <form method="post" action="/admin/ban" class="stacked-form">
          {csrf}
          <label for="ban-username">Username</label>
          <input id="ban-username" name="username" required />
          <button type="submit">Ban</button>
        </form>
        <h2>Hide a paper</h2>
        <form method="post" action="/admin/hide-paper" class="stacked-form">
          {csrf}
          <label for="hide-paper">arXiv id</label>
          <input id="hide-paper" name="paper" required />
          <button type="submit">Hide</button>
        </form>
        <h2>Banned users ({bannedUsers.length})</h2>
        <ul>
          {bannedUsers.map((u) => (
            <li>
              <a href={`/u/${encodeURIComponent(u.username)}`}>{u.username}</a>
              <form method="post" action={`/admin/users/${encodeURIComponent(u.username)}/ban`} class="inline-form">
                {csrf}
                <input type="hidden" name="banned" value="0" />
                <button type="submit" class="link-button">
                  Unban
                </button>
              </form>
            </li>
          ))}
        </ul>
        <h2>Hidden papers ({hiddenPapers.length})</h2>
        <ul>
          {hiddenPapers.map((p) => (
            <li>
              <a href={`/papers/${p.id}`}>{p.title}</a>
            </li>
          ))}
        </ul>
        <h2>Hidden comments ({hiddenComments.length})</h2>
        <ul>
          {hiddenComments.map((comment) => (
            <li>
              <a href={`/papers/${comment.paperId}#comment-${comment.id}`}>
                {comment.username}: {comment.body.slice(0, 120)}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </Layout>,
  );
}
