/**
 * A small Prometheus registry (text exposition format 0.0.4) for what this app measures: HTTP requests per route
 * pattern, search latency, and the database connection pool. Each app instance owns one `Metrics`.
 *
 * Hooks for other modules: `deps.metrics.observeSearch(seconds, mode)` or `const stop = deps.metrics.startSearchTimer(mode); ...; stop()`;
 * the live sources report through `observeSourceRun` and `setSourceLastSuccess`.
 */

type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels));
}

function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

export class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = keyOf(labels);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels, value: by });
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values()) lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
    return lines;
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = keyOf(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= (this.buckets[i] ?? Infinity)) entry.counts[i] = (entry.counts[i] ?? 0) + 1;
    entry.sum += value;
    entry.count += 1;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.series.values()) {
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: formatNumber(bound) })} ${counts[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${formatNumber(sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${count}`);
    }
    return lines;
  }
}

/** A gauge whose values are read when scraped. */
export class CallbackGauge {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => ReadonlyArray<{ labels: Labels; value: number }>,
  ) {}

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const { labels, value } of this.read()) lines.push(`${this.name}${labelText(labels)} ${formatNumber(value)}`);
    return lines;
  }
}

export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export class Metrics {
  readonly httpRequests = new Counter('paperboy_http_requests_total', 'HTTP requests by method, route pattern and status code.');
  readonly httpDuration = new Histogram(
    'paperboy_http_request_duration_seconds',
    'HTTP request latency by method and route pattern.',
    LATENCY_BUCKETS_SECONDS,
  );
  readonly searchDuration = new Histogram('paperboy_search_duration_seconds', 'Search latency by search mode.', LATENCY_BUCKETS_SECONDS);
  readonly sourceFetches = new Counter(
    'paperboy_source_fetches_total',
    'HTTP requests sent to each live source, retries and 304s included.',
  );
  readonly sourceFailures = new Counter('paperboy_source_failures_total', 'Runs of each live source that failed.');
  readonly sourcePapers = new Counter('paperboy_source_papers_upserted_total', 'Papers written (inserted or updated) by each live source.');
  private readonly sourceLastSuccess = new Map<string, number>();
  private readonly gauges: CallbackGauge[] = [];
  private readonly started = Date.now();

  constructor(poolStats?: () => PoolStats | undefined) {
    this.gauges.push(
      new CallbackGauge('paperboy_process_uptime_seconds', 'Seconds since this instance started.', () => [
        { labels: {}, value: (Date.now() - this.started) / 1000 },
      ]),
    );
    this.gauges.push(
      new CallbackGauge('paperboy_source_last_success_timestamp_seconds', 'Unix time of the last successful run of each live source.', () =>
        [...this.sourceLastSuccess].map(([source, value]) => ({ labels: { source }, value })),
      ),
    );
    if (poolStats) {
      this.gauges.push(
        new CallbackGauge('paperboy_db_pool_connections', 'Database pool connections by state.', () => {
          const stats = poolStats();
          if (!stats) return [];
          return [
            { labels: { state: 'total' }, value: stats.total },
            { labels: { state: 'idle' }, value: stats.idle },
            { labels: { state: 'active' }, value: stats.total - stats.idle },
          ];
        }),
        new CallbackGauge('paperboy_db_pool_waiting_requests', 'Queries waiting for a free pool connection.', () => {
          const stats = poolStats();
          return stats ? [{ labels: {}, value: stats.waiting }] : [];
        }),
      );
    }
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  observeSearch(seconds: number, mode = 'hybrid'): void {
    this.searchDuration.observe({ mode }, seconds);
  }

  /** Starts timing one search; call the returned function when it is done. */
  startSearchTimer(mode = 'hybrid'): () => void {
    const started = performance.now();
    return () => this.observeSearch((performance.now() - started) / 1000, mode);
  }

  /** One run of a live source, by whichever instance ran it. */
  observeSourceRun(source: string, run: { fetches: number; failed: boolean; papersUpserted: number }): void {
    this.sourceFetches.inc({ source }, run.fetches);
    this.sourceFailures.inc({ source }, run.failed ? 1 : 0);
    this.sourcePapers.inc({ source }, run.papersUpserted);
  }

  /** The last success of a source (from the shared database, so every instance reports the same). */
  setSourceLastSuccess(source: string, epochSeconds: number): void {
    this.sourceLastSuccess.set(source, epochSeconds);
  }

  render(): string {
    const sections = [
      this.httpRequests.render(),
      this.httpDuration.render(),
      this.searchDuration.render(),
      this.sourceFetches.render(),
      this.sourceFailures.render(),
      this.sourcePapers.render(),
      ...this.gauges.map((g) => g.render()),
    ];
    return `${sections.map((lines) => lines.join('\n')).join('\n')}\n`;
  }
}
