import type { AuthorClaim } from '../../authors/author-claims.repository.js';
import type { AuthorProfile } from '../../authors/author-profile.js';
import { AUTHOR_PAPERS_PER_PAGE } from '../../authors/author-profile.js';
import type { PageContext } from '../viewer.js';
import { authorPath, formatCount, formatDay, html, Pagination, PaperCard, paperPath } from './components.js';
import { Layout } from './layout.js';
import { FollowButton } from './signal-buttons.js';
import { TrendFigure } from './trend-figure.js';

export interface AuthorPageProps {
  readonly page: PageContext;
  readonly profile: AuthorProfile;
  readonly voted: ReadonlySet<string>;
  readonly saved: ReadonlySet<string>;
  readonly followed: boolean;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function OutputOverTime({ profile }: { profile: AuthorProfile }) {
  const { months, name } = profile;
  if (months.length === 0) return null;
  return (
    <section aria-labelledby="author-output-heading">
      <h2 id="author-output-heading">Papers per month</h2>
      <TrendFigure
        series={[{ label: 'Papers', points: months.map((m) => ({ period: m.period, value: m.papers })) }]}
        title={`Papers listed under ${name}, by month of publication`}
        description="For each month, the visible papers published that month that list this name."
        idPrefix="author-output"
        height={200}
        table={{
          caption: `${name}: papers by month of publication`,
          periods: months.map((m) => m.period),
          columns: [{ header: 'Papers', cells: months.map((m) => m.papers.toLocaleString('en-US')) }],
        }}
      />
    </section>
  );
}

export function authorPage({ page, profile, voted, saved, followed }: AuthorPageProps) {
  const { name, papers, coauthors, categories, words, variants, claimedBy } = profile;
  return html(
    <Layout title={name} page={page} description={`Papers listed under the author name ${name}`}>
      <section class="author-profile">
        <h1>{name}</h1>
        <p class="muted">
          {plural(profile.paperCount, 'paper', 'papers')} listed under this name · {plural(profile.upvotes, 'upvote', 'upvotes')}{' '}
          <FollowButton kind="author" value={name} followed={followed} page={page} label="Follow this author" />
        </p>
        <p class="hint">
          Papers are matched on the name exactly as they write it: different people may share it, and one person may write their name in
          other ways.
        </p>
        {claimedBy.length > 0 ? (
          <p class="claimed-by">
            Confirmed as this author by an administrator:{' '}
            {claimedBy.map((claimant, i) => (
              <>
                {i > 0 ? ', ' : null}
                <a class="claimed-author" href={`/u/${encodeURIComponent(claimant.username)}`}>
                  ✓ {claimant.username}
                </a>{' '}
                <span class="muted">({plural(claimant.papers, 'paper', 'papers')})</span>
              </>
            ))}
          </p>
        ) : null}
        {variants.length > 0 ? (
          <section aria-labelledby="author-variants-heading">
            <h2 id="author-variants-heading">Names written alike</h2>
            <p class="hint">These may be the same person or not; the papers do not say, so they are kept apart.</p>
            <ul class="author-variants">
              {variants.map((variant) => (
                <li>
                  <a href={authorPath(variant.name)}>{variant.name}</a>{' '}
                  <span class="muted">({plural(variant.papers, 'paper', 'papers')})</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <OutputOverTime profile={profile} />
        {categories.length > 0 ? (
          <section aria-labelledby="author-categories-heading">
            <h2 id="author-categories-heading">Categories</h2>
            <ul class="author-terms">
              {categories.map((category) => (
                <li>
                  <a href={`/search?q=${encodeURIComponent(`cat:${category.name}`)}`}>{category.name}</a>{' '}
                  <span class="muted">({formatCount(category.papers)})</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {words.length > 0 ? (
          <section aria-labelledby="author-words-heading">
            <h2 id="author-words-heading">Words they use most</h2>
            <p class="hint">Words and word pairs in the most of these papers' titles and abstracts.</p>
            <ul class="author-terms">
              {words.map((word) => (
                <li>
                  {word.name} <span class="muted">({formatCount(word.papers)})</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {coauthors.length > 0 ? (
          <section aria-labelledby="author-coauthors-heading">
            <h2 id="author-coauthors-heading">Co-authors</h2>
            <ol class="org-authors">
              {coauthors.map((coauthor) => (
                <li>
                  <a href={authorPath(coauthor.name)}>{coauthor.name}</a>{' '}
                  <span class="muted">({plural(coauthor.papers, 'paper', 'papers')} together)</span>
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        <section aria-labelledby="author-papers-heading">
          <h2 id="author-papers-heading">Papers, newest first</h2>
          {papers.map((item) => (
            <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved.has(item.paper.id)} headingLevel={3} />
          ))}
          <Pagination
            basePath={authorPath(name)}
            params={{}}
            page={profile.page}
            total={profile.paperCount}
            pageSize={AUTHOR_PAPERS_PER_PAGE}
          />
        </section>
      </section>
    </Layout>,
  );
}

export function authorClaimsAdminPage({ page, claims }: { page: PageContext; claims: readonly AuthorClaim[] }) {
  return html(
    <Layout title="Authorship claims" page={page}>
      <section class="narrow">
        <h1>Authorship claims</h1>
        <p>
          Readers who say they are an author of a paper. Approving shows them next to the name on the paper, on the author page and on their
          profile. <a href="/admin">Moderation</a>
        </p>
        {claims.length === 0 ? <p class="empty">No claims are waiting.</p> : null}
        <ul class="author-claims">
          {claims.map((claim) => (
            <li>
              <a href={`/u/${encodeURIComponent(claim.username)}`}>{claim.username}</a> claims to be{' '}
              <a href={authorPath(claim.authorName)}>{claim.authorName}</a> on <a href={paperPath(claim.paperId)}>{claim.paperTitle}</a>{' '}
              <span class="muted">({formatDay(claim.createdAt)})</span>
              {(['approve', 'reject'] as const).map((decision) => (
                <form method="post" action={`/admin/author-claims/${claim.id}`} class="inline-form">
                  <input type="hidden" name="_csrf" value={page.csrfToken} />
                  <input type="hidden" name="decision" value={decision} />
                  <button
                    type="submit"
                    class="link-button"
                    aria-label={`${decision === 'approve' ? 'Approve' : 'Reject'} ${claim.username} as ${claim.authorName}`}
                  >
                    {decision === 'approve' ? 'Approve' : 'Reject'}
                  </button>
                </form>
              ))}
            </li>
          ))}
        </ul>
      </section>
    </Layout>,
  );
}
