/**
 * Line charts of series per period as SVG text, drawn on the server so they work without JavaScript. Every piece
 * of text is escaped for XML, so the same markup is a well-formed standalone image (`/trends.svg`) and can sit
 * inline in a page. Colours are CSS variables: inline, the site's stylesheet sets them for both themes; the
 * standalone image carries its own style with a prefers-color-scheme rule.
 */

export interface ChartSeries {
  /** Shown in the legend. */
  readonly label: string;
  readonly points: readonly { readonly period: string; readonly value: number }[];
}

export interface ChartOptions {
  /** Accessible name of the image. */
  readonly title: string;
  /** One sentence describing what the chart shows. */
  readonly description: string;
  /** Values are fractions, labelled as percentages. */
  readonly percent?: boolean;
  /** A standalone image: its own XML declaration, namespace and style. */
  readonly standalone?: boolean;
  readonly width?: number;
  readonly height?: number;
  /** Makes element ids unique when several charts share a page. */
  readonly idPrefix?: string;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attribute values, and drops characters XML 1.0 does not allow. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);
}

const STANDALONE_STYLE = `
svg { --trend-fg: #1d1d22; --trend-muted: #5c5f6b; --trend-grid: #e3e4ea; --trend-bg: #ffffff;
  --trend-1: #3b5bdb; --trend-2: #c2255c; --trend-3: #2b8a3e; }
@media (prefers-color-scheme: dark) {
  svg { --trend-fg: #e8e9ee; --trend-muted: #a3a6b3; --trend-grid: #2c2e37; --trend-bg: #1b1c22;
    --trend-1: #8ea2ff; --trend-2: #f783ac; --trend-3: #69db7c; }
}
.trend-bg { fill: var(--trend-bg); }
.trend-grid { stroke: var(--trend-grid); stroke-width: 1; }
.trend-axis-label, .trend-legend-label, .trend-empty { fill: var(--trend-fg); font: 12px system-ui, sans-serif; }
.trend-axis-label { fill: var(--trend-muted); }
.trend-line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.trend-series-1 { stroke: var(--trend-1); }
.trend-series-2 { stroke: var(--trend-2); stroke-dasharray: 6 3; }
.trend-series-3 { stroke: var(--trend-3); stroke-dasharray: 2 3; }
`;

/** Up to five round tick values from 0 to at least `max`. */
function ticks(max: number, percent: boolean): number[] {
  if (max <= 0) return [0, percent ? 0.01 : 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const wholeStep = percent ? step : Math.max(1, Math.ceil(step));
  const out: number[] = [];
  for (let v = 0; out.length < 2 || out[out.length - 1]! < max; v += wholeStep) out.push(v);
  return out;
}

function formatValue(value: number, percent: boolean): string {
  if (!percent) return value.toLocaleString('en-US');
  const pct = value * 100;
  return `${pct.toLocaleString('en-US', { maximumFractionDigits: pct < 1 && pct > 0 ? 2 : 1 })}%`;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderTrendChart(series: readonly ChartSeries[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 280;
  const percent = options.percent ?? false;
  const prefix = options.idPrefix ?? 'trend';
  const margin = { left: 64, right: 16, top: 16 + series.length * 18, bottom: 36 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const periods = series[0]?.points.map((p) => p.period) ?? [];
  const max = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p.value)));
  const yTicks = ticks(max, percent);
  const top = yTicks[yTicks.length - 1]!;
  const x = (i: number) => margin.left + (periods.length <= 1 ? plotWidth / 2 : (i / (periods.length - 1)) * plotWidth);
  const y = (v: number) => margin.top + plotHeight - (top === 0 ? 0 : (v / top) * plotHeight);

  const parts: string[] = [];
  parts.push(`<title id="${prefix}-title">${escapeXml(options.title)}</title>`);
  parts.push(`<desc id="${prefix}-desc">${escapeXml(options.description)}</desc>`);
  if (options.standalone) parts.push(`<style>${STANDALONE_STYLE}</style>`);
  parts.push(`<rect class="trend-bg" x="0" y="0" width="${width}" height="${height}"/>`);
  if (periods.length === 0) {
    parts.push(`<text class="trend-empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">No dated papers yet</text>`);
  } else {
    for (const tick of yTicks) {
      const ty = round(y(tick));
      parts.push(`<line class="trend-grid" x1="${margin.left}" x2="${width - margin.right}" y1="${ty}" y2="${ty}"/>`);
      parts.push(
        `<text class="trend-axis-label" x="${margin.left - 8}" y="${ty + 4}" text-anchor="end">${escapeXml(formatValue(tick, percent))}</text>`,
      );
    }
    const labelEvery = Math.max(1, Math.ceil(periods.length / 7));
    periods.forEach((period, i) => {
      if (i % labelEvery !== 0 && i !== periods.length - 1) return;
      if (i !== periods.length - 1 && periods.length - 1 - i < labelEvery / 2) return;
      // The first and last labels are anchored at their ends so they stay inside the image.
      const anchor = periods.length === 1 ? 'middle' : i === 0 ? 'start' : i === periods.length - 1 ? 'end' : 'middle';
      parts.push(
        `<text class="trend-axis-label" x="${round(x(i))}" y="${height - margin.bottom + 18}" text-anchor="${anchor}">${escapeXml(period)}</text>`,
      );
    });
    series.forEach((s, n) => {
      const points = s.points.map((p, i) => `${round(x(i))},${round(y(p.value))}`).join(' ');
      const cls = `trend-line trend-series-${n + 1}`;
      if (s.points.length === 1) {
        parts.push(`<circle class="${cls}" cx="${round(x(0))}" cy="${round(y(s.points[0]!.value))}" r="3"/>`);
      } else {
        parts.push(`<polyline class="${cls}" points="${points}"/>`);
      }
    });
  }
  series.forEach((s, n) => {
    const ly = 14 + n * 18;
    parts.push(
      `<line class="trend-line trend-series-${n + 1}" x1="${margin.left}" x2="${margin.left + 24}" y1="${ly - 4}" y2="${ly - 4}"/>`,
    );
    parts.push(`<text class="trend-legend-label" x="${margin.left + 32}" y="${ly}">${escapeXml(s.label)}</text>`);
  });

  const namespace = options.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : '';
  const svg =
    `<svg${namespace} class="trend-chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-labelledby="${prefix}-title ${prefix}-desc">${parts.join('')}</svg>`;
  return options.standalone ? `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n` : svg;
}
