import type { TrendInterval } from '../../trends/periods.js';
import { MAX_COMPARED_QUERIES, type Trend } from '../../trends/trends.service.js';
import type { PageContext } from '../viewer.js';
import { html } from './components.js';
import { Layout } from './layout.js';
import { TrendFigure, trendFigureProps, type TrendView } from './trend-figure.js';

export interface TrendsPageProps {
  readonly page: PageContext;
  readonly queries: readonly string[];
  readonly interval: TrendInterval;
  readonly view: TrendView;
  readonly trends: readonly Trend[];
}

/** The query string of a trends address: every query, then the interval and view unless they are the defaults. */
export function trendsSearch(queries: readonly string[], interval: TrendInterval, view: TrendView): string {
  const params = new URLSearchParams();
  for (const q of queries) params.append('q', q);
  if (interval !== 'month') params.set('interval', interval);
  if (view !== 'count') params.set('view', view);
  return params.toString();
}

function Toggle<T extends string>({
  label,
  options,
  current,
  href,
}: {
  label: string;
  options: readonly (readonly [T, string])[];
  current: T;
  href: (value: T) => string;
}) {
  return (
    <nav class="trend-toggle" aria-label={label}>
      <span class="trend-toggle-label">{label}:</span>
      {options.map(([value, text]) =>
        value === current ? (
          <a href={href(value)} aria-current="page" class="active">
            {text}
          </a>
        ) : (
          <a href={href(value)}>{text}</a>
        ),
      )}
    </nav>
  );
}

export function trendsPage({ page, queries, interval, view, trends }: TrendsPageProps) {
  const slots = Array.from({ length: MAX_COMPARED_QUERIES }, (_, i) => queries[i] ?? '');
  const search = trendsSearch(queries, interval, view);
  return html(
    <Layout title={queries.length > 0 ? `Trends: ${queries.join(' vs ')}` : 'Trends'} page={page}>
      <section class="trends">
        <h1>Trends</h1>
        <p class="hint">
          Papers per month or week whose title, abstract or authors hold every word of a query, over the whole collection. Compare up to{' '}
          {MAX_COMPARED_QUERIES} queries; the query language works (<code>"phrases"</code>, <code>-exclusions</code>, <code>cat:cs.CV</code>
          ).
        </p>
        <form method="get" action="/trends" class="trends-form" aria-label="Queries to chart">
          {slots.map((value, i) => (
            <div class="field">
              <label for={`trend-q-${i + 1}`}>Query {i + 1}</label>
              <input id={`trend-q-${i + 1}`} type="search" name="q" value={value} maxlength={300} />
            </div>
          ))}
          <div class="field">
            <label for="trend-interval">Per</label>
            <select id="trend-interval" name="interval">
              <option value="month" selected={interval === 'month'}>
                month
              </option>
              <option value="week" selected={interval === 'week'}>
                week
              </option>
            </select>
          </div>
          {view !== 'count' ? <input type="hidden" name="view" value={view} /> : null}
          <button type="submit">Draw</button>
        </form>
        {trends.length === 0 ? (
          <p class="empty">Type a query (or two or three) to see how many papers match it over time.</p>
        ) : (
          <>
            <div class="trend-toggles">
              <Toggle
                label="Show"
                options={[
                  ['count', 'Papers'],
                  ['share', 'Share of all papers'],
                ]}
                current={view}
                href={(v) => `/trends?${trendsSearch(queries, interval, v)}`}
              />
              <Toggle
                label="Per"
                options={[
                  ['month', 'Month'],
                  ['week', 'Week'],
                ]}
                current={interval}
                href={(v) => `/trends?${trendsSearch(queries, v, view)}`}
              />
            </div>
            <TrendFigure {...trendFigureProps(trends, view, 'trends')} />
            <p class="trend-links">
              <a href={`/trends.svg?${search}`}>This chart as an image</a> ·{' '}
              <a href={`/api/trends?${trendsSearch(queries, interval, 'count')}`}>as JSON</a> ·{' '}
              <a href={`/search?${new URLSearchParams({ q: queries[0]! }).toString()}`}>Search “{queries[0]}”</a>
            </p>
          </>
        )}
      </section>
    </Layout>,
  );
}
