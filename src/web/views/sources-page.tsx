import type { SourcesOverview, SourceStatus } from '../../sources/source-status.js';
import type { PageContext } from '../viewer.js';
import { html } from './components.js';
import { Layout } from './layout.js';

const HEALTH_LABEL: Record<SourceStatus['health'], string> = {
  ok: 'OK',
  failing: 'Failing',
  waiting: 'Not run yet',
  running: 'Running',
  off: 'Off',
};

/** `2026-11-29 21:40 UTC`, or a dash. */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

function SourceRow({ source }: { source: SourceStatus }) {
  return (
    <tr>
      <th scope="row">
        {source.name}
        <br />
        <small>{source.description}</small>
      </th>
      <td>
        {HEALTH_LABEL[source.health]}
        {source.consecutiveFailures > 0 ? <small> ({source.consecutiveFailures} in a row)</small> : null}
      </td>
      <td>{when(source.lastSuccessAt)}</td>
      <td>{source.lastError ? `${when(source.lastErrorAt)}: ${source.lastError}` : '—'}</td>
      <td>{when(source.nextRunAt)}</td>
      <td>
        {source.runs} runs, {source.failures} failed, {source.fetches} requests, {source.papersUpserted} papers written
      </td>
    </tr>
  );
}

export function sourcesPage({ page, overview }: { page: PageContext; overview: SourcesOverview }) {
  return html(
    <Layout title="Live sources" page={page}>
      <section>
        <h1>Live sources</h1>
        <p>
          <a href="/admin">Moderation</a>
        </p>
        {!overview.schedulerOn ? <p class="notice">PAPERBOY_SCHEDULER is off: this instance runs no sources.</p> : null}
        {overview.offline ? (
          <p class="notice" role="status">
            No source has been reached yet — this instance may have no internet access. Pages show the papers already stored, and the
            sources keep trying in the background.
          </p>
        ) : null}
        {overview.sources.length === 0 ? (
          <p>No live sources are configured (PAPERBOY_FEED_SOURCES=none and no PAPERBOY_ARXIV_SETS).</p>
        ) : (
          <table class="token-table">
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">State</th>
                <th scope="col">Last success</th>
                <th scope="col">Last error</th>
                <th scope="col">Next run</th>
                <th scope="col">Counts</th>
              </tr>
            </thead>
            <tbody>
              {overview.sources.map((source) => (
                <SourceRow source={source} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>,
  );
}
