import type { ListedPaper } from '../../feed/paper-listing.js';
import type { HighlightSegment } from '../../search/search.service.js';
import type { SearchFollowTargets } from '../../signals/search-follows.js';
import type { PageContext } from '../viewer.js';
import { excerpt, html, Pagination, PaperCard } from './components.js';
import { Layout } from './layout.js';
import { FollowButton } from './signal-buttons.js';
import type { Trend } from '../../trends/trends.service.js';
import { TrendFigure, trendFigureProps } from './trend-figure.js';

export interface SearchForm {
  readonly q: string;
  readonly category: string;
  readonly after: string;
  readonly before: string;
  readonly sort: 'relevance' | 'date' | 'votes';
}

export interface SearchPageProps {
  readonly page: PageContext;
  readonly form: SearchForm;
  readonly results: readonly { item: ListedPaper; title: readonly HighlightSegment[]; abstract: readonly HighlightSegment[] }[] | null;
  readonly total: number;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly notices: readonly string[];
  readonly voted: ReadonlySet<string>;
  /** The signed-in viewer's saved papers among the results. */
  readonly saved?: ReadonlySet<string>;
  /** For a signed-in viewer: the search's categories and the query itself, to follow. */
  readonly follows?: SearchFollowTargets | null;
  /** Papers per month matching the search, over the whole collection (first page only). */
  readonly trend?: Trend | null;
}

/** The months shown in the small chart beside results; /trends shows them all. */
const SEARCH_TREND_MONTHS = 24;

function SearchTrend({ trend }: { trend: Trend }) {
  if (!trend.series.some((p) => p.count > 0)) return null;
  return (
    <section class="search-trend" aria-labelledby="search-trend-heading">
      <h2 id="search-trend-heading">Papers per month matching this search</h2>
      <TrendFigure {...trendFigureProps([trend], 'count', 'search-trend', SEARCH_TREND_MONTHS)} height={160} />
      <p class="trend-links">
        <a href={`/trends?${new URLSearchParams({ q: trend.query }).toString()}`}>
          Compare with other queries, or see the share of all papers
        </a>
      </p>
    </section>
  );
}

function SearchFollows({ follows, page }: { follows: SearchFollowTargets | null; page: PageContext }) {
  if (!follows || (follows.categories.length === 0 && follows.query === null)) return null;
  return (
    <div class="search-follows" aria-label="Follow">
      {follows.categories.map((c) => (
        <FollowButton kind="category" value={c.value} followed={c.followed} page={page} label={`Follow cat:${c.value}`} />
      ))}
      {follows.query ? (
        <FollowButton kind="query" value={follows.query.value} followed={follows.query.followed} page={page} label="Follow this search" />
      ) : null}
    </div>
  );
}

/** Matched words in <mark>; every segment is text, escaped by JSX. */
export function Highlighted({ segments }: { segments: readonly HighlightSegment[] }) {
  return <>{segments.map((s) => (s.match ? <mark>{s.text}</mark> : s.text))}</>;
}

/** Keeps an abstract excerpt of about `length` characters around the first match. */
export function excerptSegments(segments: readonly HighlightSegment[], length = 320): HighlightSegment[] {
  const out: HighlightSegment[] = [];
  let used = 0;
  const firstMatch = segments.findIndex((s) => s.match);
  let skip = 0;
  if (firstMatch > 0) {
    const before = segments.slice(0, firstMatch).reduce((n, s) => n + s.text.length, 0);
    skip = Math.max(0, before - 80);
  }
  for (const segment of segments) {
    let text = segment.text;
    if (skip > 0) {
      if (text.length <= skip) {
        skip -= text.length;
        continue;
      }
      text = `…${text.slice(skip)}`;
      skip = 0;
    }
    if (used + text.length > length) {
      out.push({ text: `${excerpt(text, Math.max(0, length - used))}${text.length > length - used ? '' : '…'}`, match: segment.match });
      break;
    }
    out.push({ text, match: segment.match });
    used += text.length;
  }
  return out;
}

const SORTS = [
  ['relevance', 'Relevance'],
  ['date', 'Newest'],
  ['votes', 'Most upvoted'],
] as const;

export function searchPage({
  page,
  form,
  results,
  total,
  pageNumber,
  pageSize,
  notices,
  voted,
  saved,
  follows = null,
  trend = null,
}: SearchPageProps) {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) if (value !== '' && !(key === 'sort' && value === 'relevance')) params[key] = value;
  const title = form.q ? `Search: ${form.q}` : 'Search';
  return html(
    <Layout
      title={title}
      page={page}
      query={form.q}
      feeds={
        form.q
          ? [{ title: `Search "${form.q}" (RSS)`, href: `/feeds/search.xml?${new URLSearchParams({ q: form.q }).toString()}`, type: 'rss' }]
          : []
      }
    >
      <section class="search">
        <h1>{form.q ? <>Results for “{form.q}”</> : 'Search papers'}</h1>
        <form method="get" action="/search" class="search-form" role="search" aria-label="Search with filters">
          <div class="field wide">
            <label for="search-q">Query</label>
            <input id="search-q" type="search" name="q" value={form.q} placeholder={'e.g. diffusion "video generation" cat:cs.CV'} />
          </div>
          <div class="field">
            <label for="search-category">Category</label>
            <input id="search-category" name="category" value={form.category} placeholder="cs.LG" pattern="[A-Za-z.\-]{2,20}" />
          </div>
          <div class="field">
            <label for="search-after">From</label>
            <input id="search-after" type="date" name="after" value={form.after} />
          </div>
          <div class="field">
            <label for="search-before">To</label>
            <input id="search-before" type="date" name="before" value={form.before} />
          </div>
          <div class="field">
            <label for="search-sort">Sort by</label>
            <select id="search-sort" name="sort">
              {SORTS.map(([value, label]) => (
                <option value={value} selected={form.sort === value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Search</button>
        </form>
        <SearchFollows follows={follows} page={page} />
        {notices.map((notice) => (
          <p class="notice" role="status">
            {notice}
          </p>
        ))}
        {results === null ? (
          <p class="hint">
            Search titles, abstracts and authors. Use quotes for phrases, <code>cat:cs.CL</code>, <code>author:"Ada Lovelace"</code>,{' '}
            <code>after:2025-01-01</code>, or paste an arXiv id to jump to it.
          </p>
        ) : results.length === 0 ? (
          <p class="empty">No papers match. Try fewer words or remove a filter.</p>
        ) : (
          <>
            <p class="count-line" role="status">
              {total.toLocaleString('en-US')} {total === 1 ? 'result' : 'results'}
              {form.q ? (
                <>
                  {' '}
                  · <a href={`/feeds/search.xml?${new URLSearchParams({ q: form.q }).toString()}`}>RSS for this search</a>
                </>
              ) : null}
            </p>
            {trend ? <SearchTrend trend={trend} /> : null}
            {results.map((r) => (
              <PaperCard
                item={r.item}
                page={page}
                voted={voted.has(r.item.paper.id)}
                saved={saved?.has(r.item.paper.id)}
                title={<Highlighted segments={r.title} />}
                abstract={<Highlighted segments={excerptSegments(r.abstract)} />}
              />
            ))}
          </>
        )}
        <Pagination basePath="/search" params={params} page={pageNumber} total={total} pageSize={pageSize} />
      </section>
    </Layout>,
  );
}
