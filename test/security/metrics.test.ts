import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/ops/metrics.js';
import { testApp } from '../helpers/app.js';
import { describeEachStore } from '../helpers/stores.js';
import { TEST_ENV } from './web-client.js';

describe('Metrics', () => {
  it('renders counters and cumulative histograms in Prometheus text format', () => {
    const metrics = new Metrics(() => ({ total: 5, idle: 3, waiting: 1 }));
    metrics.observeRequest('GET', '/papers/:id', 200, 0.004);
    metrics.observeRequest('GET', '/papers/:id', 200, 0.03);
    metrics.observeRequest('GET', '/papers/:id', 404, 0.002);
    metrics.observeSearch(0.02, 'lexical');
    const text = metrics.render();
    expect(text).toContain('# TYPE paperboy_http_requests_total counter');
    expect(text).toContain('paperboy_http_requests_total{method="GET",route="/papers/:id",status="200"} 2');
    expect(text).toContain('paperboy_http_requests_total{method="GET",route="/papers/:id",status="404"} 1');
    expect(text).toContain('# TYPE paperboy_http_request_duration_seconds histogram');
    expect(text).toContain('paperboy_http_request_duration_seconds_bucket{method="GET",route="/papers/:id",le="0.0025"} 1');
    expect(text).toContain('paperboy_http_request_duration_seconds_bucket{method="GET",route="/papers/:id",le="0.005"} 2');
    expect(text).toContain('paperboy_http_request_duration_seconds_bucket{method="GET",route="/papers/:id",le="+Inf"} 3');
    expect(text).toContain('paperboy_http_request_duration_seconds_count{method="GET",route="/papers/:id"} 3');
    expect(text).toContain('paperboy_search_duration_seconds_bucket{mode="lexical",le="0.025"} 1');
    expect(text).toContain('paperboy_db_pool_connections{state="idle"} 3');
    expect(text).toContain('paperboy_db_pool_connections{state="active"} 2');
    expect(text).toContain('paperboy_db_pool_waiting_requests 1');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes label values', () => {
    const metrics = new Metrics();
    metrics.observeRequest('GET', 'a"b\\c\nd', 200, 0.001);
    expect(metrics.render()).toContain('route="a\\"b\\\\c\\nd"');
  });
});

describeEachStore('GET /metrics', (get) => {
  it('counts requests per route pattern, not per URL, and exposes the pool where the engine has one', async () => {
    const { app } = await testApp(get(), TEST_ENV);
    await app.request('/login');
    await app.request('/login');
    await app.request('/reset/abc');
    await app.request('/reset/def');
    await app.request('/definitely/not/here');
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('paperboy_http_requests_total{method="GET",route="/login",status="200"} 2');
    expect(text).toContain('paperboy_http_requests_total{method="GET",route="/reset/:token",status="410"} 2');
    expect(text).toContain('paperboy_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(text).not.toContain('abc');
    expect(text).toMatch(/paperboy_http_request_duration_seconds_count\{method="GET",route="\/login"\} 2/);
    if (get().kind === 'postgres') expect(text).toMatch(/paperboy_db_pool_connections\{state="total"\} \d+/);
    else expect(text).not.toContain('paperboy_db_pool_connections');
  });
});

describeEachStore('search latency', (get) => {
  it('is recorded for every search the app runs, labelled with the mode that ran', async () => {
    const { app, deps } = await testApp(get(), TEST_ENV);
    await deps.search.search({ q: 'diffusion', mode: 'lexical' });
    await deps.search.search({ q: 'transformers', mode: 'lexical' });
    const text = await (await app.request('/metrics')).text();
    expect(text).toContain('paperboy_search_duration_seconds_count{mode="lexical"} 2');
  });
});
