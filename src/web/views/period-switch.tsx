import { weekKeyOf, type FeedPeriod } from '../../feed/period.js';

/** Where a period's page is, by its kind and its first day (YYYY-MM-DD), week key (YYYY-Www) or month (YYYY-MM). */
export type PeriodHref = (kind: FeedPeriod['kind'], key: string) => string;

/** Day / Week / Month links to the period holding this one's first day, the current kind marked. */
export function PeriodSwitch({ period, hrefOf }: { period: FeedPeriod; hrefOf: PeriodHref }) {
  const views = [
    ['day', 'Day', hrefOf('day', period.from)],
    ['week', 'Week', hrefOf('week', weekKeyOf(period.from))],
    ['month', 'Month', hrefOf('month', period.from.slice(0, 7))],
  ] as const;
  return (
    <nav class="period-switch" aria-label="Period">
      {views.map(([kind, label, href]) =>
        kind === period.kind ? (
          <a href={href} aria-current="page">
            {label}
          </a>
        ) : (
          <a href={href}>{label}</a>
        ),
      )}
    </nav>
  );
}
