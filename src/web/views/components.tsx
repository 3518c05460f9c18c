import type { Child } from 'hono/jsx';
import type { ListedPaper } from '../../feed/paper-listing.js';
import type { PageContext } from '../viewer.js';

const EXCERPT_LENGTH = 300;

export function excerpt(text: string, length = EXCERPT_LENGTH): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), length - 20))}…`;
}

export function shortAuthors(authors: readonly string[], max = 4): string {
  if (authors.length <= max) return authors.join(', ');
  return `${authors.slice(0, max).join(', ')} et al. (+${authors.length - max})`;
}

// One formatter each: toLocaleDateString / toLocaleString build a new one per call, a visible cost on long lists.
const DAY_FORMAT = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export function formatDay(day: string): string {
  return DAY_FORMAT.format(new Date(`${day.slice(0, 10)}T00:00:00Z`));
}

export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}

export function paperPath(id: string): string {
  return `/papers/${id}`;
}

/**
 * The upvote control. Signed-in users get a real form (works without JS; app.js turns it into an API call);
 * anonymous visitors get a link to log in. The markup is the same for everyone who has not voted, which lets
 * anonymous pages be cached.
 */
export function VoteButton({
  paperId,
  upvotes,
  voted,
  page,
}: {
  paperId: string;
  upvotes: number;
  voted: boolean;
  page: PageContext | null;
}) {
  const count = (
    <span class="count" data-vote-count>
      {formatCount(upvotes)}
    </span>
  );
  const unit = <span class="visually-hidden"> upvotes</span>;
  if (!page?.viewer) {
    return (
      <a class="vote" href={`/login?next=${encodeURIComponent(paperPath(paperId))}`} title="Log in to upvote">
        <span class="arrow" aria-hidden="true">
          ▲
        </span>
        <span class="visually-hidden">Log in to upvote: </span>
        {count}
        {unit}
      </a>
    );
  }
  return (
    <form method="post" action={`${paperPath(paperId)}/upvote`} class="vote-form" data-vote-form data-paper-id={paperId}>
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="action" value={voted ? 'remove' : 'add'} />
      <input type="hidden" name="next" value={page.path} />
      <button type="submit" class={voted ? 'vote voted' : 'vote'} aria-pressed={voted ? 'true' : 'false'} title="Upvote">
        <span class="arrow" aria-hidden="true">
          ▲
        </span>
        <span class="visually-hidden">Upvote: </span>
        {count}
        {unit}
      </button>
    </form>
  );
}

export function Categories({ categories }: { categories: readonly string[] }) {
  if (categories.length === 0) return null;
  return (
    <ul class="categories" aria-label="Categories">
      {categories.map((category) => (
        <li>
          <a href={`/search?category=${encodeURIComponent(category)}`}>{category}</a>
        </li>
      ))}
    </ul>
  );
}

export function CodeLink({ repo }: { repo: { url: string; stars: number | null } | null }) {
  if (!repo) return null;
  return (
    <a class="code" href={repo.url} rel="noopener nofollow">
      <span aria-hidden="true">{'</>'}</span> Code
      {repo.stars !== null ? <span class="stars"> ★ {formatCount(repo.stars)}</span> : null}
    </a>
  );
}

export interface PaperCardProps {
  readonly item: ListedPaper;
  readonly page: PageContext | null;
  readonly voted?: boolean;
  /** Title and abstract with search matches highlighted, replacing the plain text. */
  readonly title?: Child;
  readonly abstract?: Child;
  readonly headingLevel?: 2 | 3;
}

export function PaperCard({ item, page, voted = false, title, abstract, headingLevel = 2 }: PaperCardProps) {
  const { paper } = item;
  const heading = <a href={paperPath(paper.id)}>{title ?? paper.title}</a>;
  return (
    <article class="paper-card">
      <VoteButton paperId={paper.id} upvotes={item.upvotes} voted={voted} page={page} />
      <div class="body">
        {headingLevel === 2 ? <h2>{heading}</h2> : <h3>{heading}</h3>}
        <p class="authors">{shortAuthors(paper.authors)}</p>
        <p class="abstract">{abstract ?? excerpt(paper.abstract)}</p>
        <div class="meta">
          {item.day ? (
            <time datetime={item.day}>{formatDay(item.day)}</time>
          ) : paper.publishedAt ? (
            <time datetime={paper.publishedAt.slice(0, 10)}>{formatDay(paper.publishedAt)}</time>
          ) : null}
          <a href={`${paperPath(paper.id)}#comments`} class="comments-link">
            {formatCount(item.comments)} {item.comments === 1 ? 'comment' : 'comments'}
          </a>
          <CodeLink repo={paper.codeRepo} />
          <a href={`https://arxiv.org/abs/${paper.id}`} rel="noopener">
            arXiv
          </a>
          {item.submittedBy ? (
            <span class="submitter">
              submitted by <a href={`/u/${encodeURIComponent(item.submittedBy)}`}>{item.submittedBy}</a>
            </span>
          ) : null}
        </div>
        <Categories categories={paper.categories} />
      </div>
    </article>
  );
}

/** Page links for ?p= pagination, preserving the other query parameters. */
export function Pagination({
  basePath,
  params,
  page,
  total,
  pageSize,
}: {
  basePath: string;
  params: Record<string, string>;
  page: number;
  total: number;
  pageSize: number;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const href = (p: number) => {
    const query = new URLSearchParams({ ...params, ...(p > 1 ? { p: String(p) } : {}) });
    if (p <= 1) query.delete('p');
    const qs = query.toString();
    return qs ? `${basePath}?${qs}` : basePath;
  };
  return (
    <nav class="pagination" aria-label="Pages">
      {page > 1 ? (
        <a rel="prev" href={href(page - 1)}>
          ← Previous
        </a>
      ) : null}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a rel="next" href={href(page + 1)}>
          Next →
        </a>
      ) : null}
    </nav>
  );
}

export function html(node: Child): string {
  return `<!doctype html>${String(node)}`;
}
