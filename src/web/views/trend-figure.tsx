import { raw } from 'hono/html';
import type { Trend } from '../../trends/trends.service.js';
import { renderTrendChart, type ChartSeries } from './trend-chart.js';

export type TrendView = 'count' | 'share';

export interface TrendTable {
  readonly caption: string;
  readonly periods: readonly string[];
  readonly columns: readonly { readonly header: string; readonly cells: readonly string[] }[];
}

export interface TrendFigureProps {
  readonly series: readonly ChartSeries[];
  readonly title: string;
  readonly description: string;
  readonly percent?: boolean;
  readonly idPrefix: string;
  readonly table: TrendTable;
  readonly width?: number;
  readonly height?: number;
}

export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct.toLocaleString('en-US', { maximumFractionDigits: pct > 0 && pct < 1 ? 3 : 2 })}%`;
}

/** A chart (inline SVG, escaped by the renderer) with the same numbers as a table behind a disclosure. */
export function TrendFigure(props: TrendFigureProps) {
  const { table } = props;
  const svg = renderTrendChart(props.series, {
    title: props.title,
    description: props.description,
    percent: props.percent,
    idPrefix: props.idPrefix,
    width: props.width,
    height: props.height,
  });
  return (
    <figure class="trend-figure">
      <div class="trend-chart-frame">{raw(svg)}</div>
      <details class="trend-data">
        <summary>The numbers as a table</summary>
        <table>
          <caption>{table.caption}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {table.columns.map((column) => (
                <th scope="col">{column.header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.periods.map((period, row) => (
              <tr>
                <th scope="row">{period}</th>
                {table.columns.map((column) => (
                  <td>{column.cells[row]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Chart and table of trends: counts or shares drawn, both in the table. */
export function trendFigureProps(trends: readonly Trend[], view: TrendView, idPrefix: string, lastPeriods?: number): TrendFigureProps {
  const cut = <T,>(points: readonly T[]) => (lastPeriods === undefined ? points : points.slice(-lastPeriods));
  const interval = trends[0]?.interval ?? 'month';
  const unit = interval === 'week' ? 'week' : 'month';
  const names = trends.map((t) => `“${t.query}”`).join(', ');
  return {
    series: trends.map((t) => ({
      label: t.query,
      points: cut(t.series).map((p) => ({ period: p.period, value: view === 'share' ? p.share : p.count })),
    })),
    percent: view === 'share',
    title: view === 'share' ? `Share of all papers per ${unit} matching ${names}` : `Papers per ${unit} matching ${names}`,
    description:
      view === 'share'
        ? `For each ${unit}, the papers matching every word of the query as a percentage of all papers published that ${unit}.`
        : `For each ${unit}, the number of papers published that ${unit} matching every word of the query.`,
    idPrefix,
    table: {
      caption: `Papers per ${unit} matching ${names}, and their share of all papers of the ${unit}`,
      periods: cut(trends[0]?.series ?? []).map((p) => p.period),
      columns: trends.flatMap((t) => [
        { header: `${t.query}: papers`, cells: cut(t.series).map((p) => p.count.toLocaleString('en-US')) },
        { header: `${t.query}: share`, cells: cut(t.series).map((p) => formatShare(p.share)) },
      ]),
    },
  };
}
