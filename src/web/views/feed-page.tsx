import type { FeedItem } from '../../feed/feed.repository.js';
import { Layout } from './layout.js';

export interface FeedPageProps {
  readonly day: string | null;
  readonly items: readonly FeedItem[];
  readonly previous: string | null;
  readonly next: string | null;
}

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

export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

function PaperCard({ item }: { item: FeedItem }) {
  const { paper } = item;
  return (
    <article class="paper-card">
      <div class="votes" aria-label={`${item.upvotes} upvotes`}>
        <span class="count">{item.upvotes}</span>
        <span class="label">upvotes</span>
      </div>
      <div class="body">
        <h2>
          <a href={`/papers/${paper.id}`}>{paper.title}</a>
        </h2>
        <p class="authors">{shortAuthors(paper.authors)}</p>
        <p class="abstract">{excerpt(paper.abstract)}</p>
        <p class="meta">
          <time datetime={item.day}>{formatDay(item.day)}</time>
          {paper.primaryCategory ? <span class="category">{paper.primaryCategory}</span> : null}
          <span>{item.comments} comments</span>
          {paper.codeRepo ? (
            <a class="code" href={paper.codeRepo.url} rel="noopener nofollow">
              Code{paper.codeRepo.stars !== null ? ` ★ ${paper.codeRepo.stars.toLocaleString('en-US')}` : ''}
            </a>
          ) : null}
          <a href={`https://arxiv.org/abs/${paper.id}`} rel="noopener">
            arXiv
          </a>
        </p>
      </div>
    </article>
  );
}

export function feedPage({ day, items, previous, next }: FeedPageProps) {
  return (
    '<!doctype html>' +
    (
      <Layout title={day ? `Daily papers — ${formatDay(day)}` : 'Paperboy'}>
        <section class="feed">
          <div class="feed-header">
            <h1>{day ? `Daily papers — ${formatDay(day)}` : 'Daily papers'}</h1>
            <nav class="day-nav" aria-label="Feed days">
              {previous ? (
                <a rel="prev" href={`/papers/date/${previous}`}>
                  ← Previous day
                </a>
              ) : null}
              {next ? (
                <a rel="next" href={`/papers/date/${next}`}>
                  Next day →
                </a>
              ) : null}
            </nav>
          </div>
          {items.length === 0 ? (
            <p class="empty">No papers on this day yet. Import some with <code>paperboy import</code>.</p>
          ) : (
            items.map((item) => <PaperCard item={item} />)
          )}
        </section>
      </Layout>
    ).toString()
  );
}
