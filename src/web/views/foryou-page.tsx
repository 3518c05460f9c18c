import type { ListedPaper } from '../../feed/paper-listing.js';
import type { FeedPeriod } from '../../feed/period.js';
import type { Recommendations } from '../../foryou/recommendations.js';
import type { ForYouReason } from '../../foryou/reasons.js';
import type { PageContext } from '../viewer.js';
import { html, paperPath, PaperCard } from './components.js';
import { Layout } from './layout.js';
import { PeriodSwitch, type PeriodHref } from './period-switch.js';
import { RatingButtons } from './signal-buttons.js';

export interface ColdStartProps {
  readonly categories: readonly { readonly value: string; readonly followed: boolean }[];
  /** Papers the reader named as theirs. */
  readonly authored: readonly ListedPaper[];
  /** The author name searched for, and the papers found under it (not yet named as theirs). */
  readonly authorName: string;
  readonly authorHits: readonly ListedPaper[];
  /** The outcome of the last "these are mine" form, when the page was reached from it. */
  readonly added: number | null;
  readonly skipped: number | null;
}

export interface ForYouPageProps {
  readonly page: PageContext;
  readonly period: FeedPeriod;
  readonly previous: string | null;
  readonly next: string | null;
  readonly result: Recommendations;
  readonly voted: ReadonlySet<string>;
  readonly saved: ReadonlySet<string>;
  readonly coldStart: ColdStartProps;
}

const EMPTY_PERIOD = { day: 'on this day', week: 'in this week', month: 'in this month' } as const;

export function forYouPath(period: FeedPeriod): string {
  const parameter = period.kind === 'day' ? 'date' : period.kind;
  return `/for-you?${parameter}=${encodeURIComponent(period.key)}`;
}

/** Where the day, week and month For-you pages are. */
const forYouPeriodHref: PeriodHref = (kind, key) => `/for-you?${kind === 'day' ? 'date' : kind}=${key}`;

function Reason({ reason }: { reason: ForYouReason }) {
  const close = reason.closeTo;
  const at = close ? reason.text.indexOf(close.title) : -1;
  return (
    <p class="reason">
      <span class="reason-label">Why: </span>
      {close && at >= 0 ? (
        <>
          {reason.text.slice(0, at)}
          <a href={paperPath(close.paperId)}>{close.title}</a>
          {reason.text.slice(at + close.title.length)}
        </>
      ) : (
        reason.text
      )}
    </p>
  );
}

function CsrfFields({ page }: { page: PageContext }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="next" value={page.path} />
    </>
  );
}

/** The three ways to tell For you what to show: categories, your own papers, ratings of popular papers. */
function ColdStart({
  page,
  period,
  coldStart,
  personalised,
}: {
  page: PageContext;
  period: FeedPeriod;
  coldStart: ColdStartProps;
  personalised: boolean;
}) {
  const { categories, authored, authorName, authorHits, added, skipped } = coldStart;
  return (
    <details class="cold-start" open={!personalised}>
      <summary>{personalised ? 'Tune For you' : 'Get started: tell For you what you read'}</summary>
      {added !== null ? (
        <p class="notice success" role="status">
          Added {added} {added === 1 ? 'paper' : 'papers'} as yours
          {skipped ? `; ${skipped} skipped (not an arXiv id, or not on this instance)` : ''}.
        </p>
      ) : null}
      <section aria-labelledby="start-categories">
        <h2 id="start-categories">1. Pick categories</h2>
        <form method="post" action="/for-you/categories" class="category-picker">
          <CsrfFields page={page} />
          <fieldset>
            <legend class="visually-hidden">Categories to follow</legend>
            {categories.map((c) => (
              <label class="checkbox">
                <input type="checkbox" name="category[]" value={c.value} checked={c.followed} disabled={c.followed} /> {c.value}
              </label>
            ))}
          </fieldset>
          <button type="submit">Follow these categories</button>
        </form>
      </section>
      <section aria-labelledby="start-papers">
        <h2 id="start-papers">2. Name papers you wrote</h2>
        <p class="muted">They become your profile: For you looks for papers like them.</p>
        <form method="post" action="/for-you/papers" class="authored-ids">
          <CsrfFields page={page} />
          <label for="authored-ids">arXiv ids or links, separated by spaces or commas</label>
          <textarea id="authored-ids" name="ids" rows={2} placeholder="2501.12345 2407.00001"></textarea>
          <button type="submit">These are mine</button>
        </form>
        <form method="get" action="/for-you" class="author-search">
          <input type="hidden" name={period.kind === 'day' ? 'date' : period.kind} value={period.key} />
          <label for="author-name">Or find them by your author name</label>
          <input id="author-name" type="search" name="author" value={authorName} maxlength={200} placeholder="Ada Lovelace" />
          <button type="submit">Find</button>
        </form>
        {authorName !== '' ? (
          authorHits.length === 0 ? (
            <p class="muted">No papers on this instance under “{authorName}”.</p>
          ) : (
            <form method="post" action="/for-you/papers" class="author-hits">
              <CsrfFields page={page} />
              <fieldset>
                <legend>Papers under “{authorName}”: tick yours</legend>
                {authorHits.map((item) => (
                  <label class="checkbox">
                    <input type="checkbox" name="paper[]" value={item.paper.id} /> {item.paper.title}{' '}
                    <span class="muted">({item.paper.id})</span>
                  </label>
                ))}
              </fieldset>
              <button type="submit">These are mine</button>
            </form>
          )
        ) : null}
        {authored.length > 0 ? (
          <>
            <h3>Your papers</h3>
            <ul class="authored-list">
              {authored.map((item) => (
                <li>
                  <a href={paperPath(item.paper.id)}>{item.paper.title}</a>{' '}
                  <form method="post" action="/for-you/papers/remove" class="inline-form">
                    <CsrfFields page={page} />
                    <input type="hidden" name="paper" value={item.paper.id} />
                    <button type="submit" class="link-button">
                      Not mine
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <section aria-labelledby="start-rate">
        <h2 id="start-rate">3. Rate a few papers</h2>
        <p class="muted">
          {personalised
            ? 'Use “More like this” and “Less like this” on the papers below.'
            : 'Below are the popular papers of this period: say “More like this” or “Less like this” on a few.'}
        </p>
      </section>
    </details>
  );
}

/** For you: the period's papers ranked for the signed-in reader, each with its reason; only ever rendered for them. */
export function forYouPage({ page, period, previous, next, result, voted, saved, coldStart }: ForYouPageProps) {
  const unit = period.kind;
  return html(
    <Layout title={`For you — ${period.label}`} page={page}>
      <section class="feed for-you">
        <div class="feed-header">
          <h1>For you — {period.label}</h1>
          <PeriodSwitch period={period} hrefOf={forYouPeriodHref} />
          <nav class="day-nav" aria-label={`For you by ${unit}`}>
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
        <ColdStart page={page} period={period} coldStart={coldStart} personalised={result.personalised} />
        {result.items.length === 0 ? (
          <p class="empty">No papers {EMPTY_PERIOD[period.kind]} that you have not seen yet.</p>
        ) : (
          <>
            <p class="count-line">
              {result.personalised
                ? `Your top ${result.items.length} of ${result.candidates} papers`
                : `Popular papers: ${result.items.length} of ${result.candidates}`}
            </p>
            {result.items.map(({ listed, reason }) => (
              <div class="for-you-item">
                <PaperCard item={listed} page={page} voted={voted.has(listed.paper.id)} saved={saved.has(listed.paper.id)} />
                <Reason reason={reason} />
                <RatingButtons paperId={listed.paper.id} rating={null} page={page} />
              </div>
            ))}
          </>
        )}
      </section>
    </Layout>,
  );
}
