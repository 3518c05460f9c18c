import type { ListedPaper } from '../../feed/paper-listing.js';
import type { FeedPeriod } from '../../feed/period.js';
import type { PageContext } from '../viewer.js';
import { html, Pagination, PaperCard } from './components.js';
import { Layout } from './layout.js';
import { PeriodSwitch, type PeriodHref } from './period-switch.js';

export { excerpt, formatDay, shortAuthors } from './components.js';

export interface FeedPageProps {
  readonly page: PageContext | null;
  readonly period: FeedPeriod | null;
  readonly items: readonly ListedPaper[];
  readonly total: number;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly previous: string | null;
  readonly next: string | null;
  readonly voted: ReadonlySet<string>;
  /** The signed-in viewer's saved papers among these. */
  readonly saved?: ReadonlySet<string>;
  /** Visible papers in the database, told when no paper was ever featured (no period to show). */
  readonly papersInCatalogue?: number;
}

const KIND_TITLE = { day: 'Daily papers', week: 'Weekly papers', month: 'Monthly papers' } as const;

/** Where the day, week and month feeds are. */
const feedPeriodHref: PeriodHref = (kind, key) => (kind === 'day' ? `/papers/date/${key}` : `/papers/${kind}/${key}`);

/** Why a feed page is empty: nothing in the period, nothing featured yet, or no paper at all. */
function EmptyFeed({ period, papersInCatalogue = 0 }: Pick<FeedPageProps, 'period' | 'papersInCatalogue'>) {
  if (period) return <p class="empty">No papers for {period.label}.</p>;
  if (papersInCatalogue === 0) {
    return (
      <p class="empty">
        No papers yet. Import some with <code>paperboy import</code>, or <a href="/submit">submit one</a>.
      </p>
    );
  }
  return (
    <p class="empty">
      No paper has been featured yet: the daily list holds the papers readers <a href="/submit">submit</a> (and those Hugging Face's daily
      papers featured, when imported with <code>paperboy import hf-daily</code>). The {papersInCatalogue.toLocaleString('en-US')}{' '}
      {papersInCatalogue === 1 ? 'paper' : 'papers'} imported so far are in <a href="/search">search</a> and <a href="/trends">trends</a>.
    </p>
  );
}

/** The listing part of a feed page, without the layout (cached for anonymous visitors). */
export function FeedContent({
  page,
  period,
  items,
  total,
  pageNumber,
  pageSize,
  previous,
  next,
  voted,
  saved,
  papersInCatalogue,
}: FeedPageProps) {
  const heading = period ? `${KIND_TITLE[period.kind]} — ${period.label}` : 'Daily papers';
  const unit = period?.kind ?? 'day';
  return (
    <section class="feed">
      <div class="feed-header">
        <h1>{heading}</h1>
        {period ? <PeriodSwitch period={period} hrefOf={feedPeriodHref} /> : null}
        <nav class="day-nav" aria-label={`Feed ${unit}s`}>
          {previous ? (
            <a rel="prev" href={previous}>
              ← Previous {unit}
            </a>
          ) : null}
          {next ? (
            <a rel="next" href={next}>
              Next {unit} →
            </a>
          ) : null}
        </nav>
      </div>
      {items.length === 0 ? (
        <EmptyFeed period={period} papersInCatalogue={papersInCatalogue} />
      ) : (
        <>
          <p class="count-line">
            {total} {total === 1 ? 'paper' : 'papers'}
          </p>
          {items.map((item) => (
            <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved?.has(item.paper.id)} />
          ))}
        </>
      )}
      <Pagination
        basePath={period ? `/papers/${period.kind === 'day' ? 'date' : period.kind}/${period.key}` : '/'}
        params={{}}
        page={pageNumber}
        total={total}
        pageSize={pageSize}
      />
    </section>
  );
}

export function feedPageTitle(period: FeedPeriod | null): string {
  return period ? `${KIND_TITLE[period.kind]} — ${period.label}` : 'Paperboy';
}

export function feedPage(props: FeedPageProps) {
  return html(
    <Layout
      title={feedPageTitle(props.period)}
      page={props.page ?? undefined}
      feeds={[
        { title: 'Daily papers (RSS)', href: '/feeds/daily.xml', type: 'rss' },
        { title: 'Daily papers (Atom)', href: '/feeds/daily.atom', type: 'atom' },
      ]}
    >
      <FeedContent {...props} />
    </Layout>,
  );
}

export interface TrendingPageProps {
  readonly page: PageContext | null;
  readonly items: readonly ListedPaper[];
  readonly total: number;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly voted: ReadonlySet<string>;
  /** The signed-in viewer's saved papers among these. */
  readonly saved?: ReadonlySet<string>;
}

export function TrendingContent({ page, items, total, pageNumber, pageSize, voted, saved }: TrendingPageProps) {
  return (
    <section class="feed">
      <div class="feed-header">
        <h1>Trending papers</h1>
        <p class="hint">
          Ranked by upvotes and recent GitHub stars, discounted by age. <a href="/feeds/trending.xml">RSS</a>
        </p>
      </div>
      {items.length === 0 ? (
        <p class="empty">Nothing is trending yet.</p>
      ) : (
        items.map((item) => <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved?.has(item.paper.id)} />)
      )}
      <Pagination basePath="/trending" params={{}} page={pageNumber} total={total} pageSize={pageSize} />
    </section>
  );
}

export function trendingPage(props: TrendingPageProps) {
  return html(
    <Layout
      title="Trending papers"
      page={props.page ?? undefined}
      feeds={[{ title: 'Trending papers (RSS)', href: '/feeds/trending.xml', type: 'rss' }]}
    >
      <TrendingContent {...props} />
    </Layout>,
  );
}
