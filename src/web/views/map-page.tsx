import type { MapHighlight, MapOverview } from '../../map/map-view.js';
import type { PageContext } from '../viewer.js';
import { formatCount, paperPath } from './components.js';
import { Layout } from './layout.js';

export interface MapPageProps {
  readonly page: PageContext;
  readonly overview: MapOverview | null;
  readonly q: string;
  readonly tag: string;
  /** The signed-in reader's tags, to choose from. */
  readonly tags: readonly string[];
  readonly highlight: MapHighlight | null;
  readonly notices: readonly string[];
}

/** Highlighted papers listed under the map (all are drawn on it). */
const LISTED_HIGHLIGHTS = 200;

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** What map.js reads from the page: the layout's version and scales, the labels and the papers to light up. */
function mapData(overview: MapOverview, highlight: MapHighlight | null): string {
  return JSON.stringify({
    version: `${overview.layout.version}.${overview.layout.revision}`,
    papers: overview.layout.papers,
    fullDetailZoom: overview.fullDetailZoom,
    labels: overview.labels.map((l) => ({ level: l.level, x: round(l.x), y: round(l.y), words: l.words })),
    highlight: highlight ? highlight.points.map((p) => [p.paperId, round(p.x), round(p.y), p.title]) : [],
  });
}

function MapSearch({ q, tag, tags }: { q: string; tag: string; tags: readonly string[] }) {
  return (
    <form method="get" action="/map" role="search" class="map-search">
      <label for="map-q">Light up a search</label>
      <input id="map-q" type="search" name="q" value={q} placeholder="e.g. protein folding" />
      {tags.length > 0 ? (
        <>
          <label for="map-tag">or a tag of yours</label>
          <select id="map-tag" name="tag">
            <option value="">—</option>
            {tags.map((t) => (
              <option value={t} selected={t === tag}>
                {t}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <button type="submit">Show</button>
    </form>
  );
}

function HighlightList({ highlight }: { highlight: MapHighlight }) {
  const what = highlight.kind === 'search' ? `the search “${highlight.label}”` : `the tag “${highlight.label}”`;
  return (
    <section class="map-highlights" aria-labelledby="map-highlights-title">
      <h2 id="map-highlights-title">
        {formatCount(highlight.points.length)} {highlight.points.length === 1 ? 'paper' : 'papers'} of {what} lit up
      </h2>
      {highlight.missing > 0 ? <p class="muted">{formatCount(highlight.missing)} more are not on the map yet.</p> : null}
      <ol class="map-highlight-list">
        {highlight.points.slice(0, LISTED_HIGHLIGHTS).map((p) => (
          <li>
            <a href={paperPath(p.paperId)}>{p.title}</a>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function MapPage({ page, overview, q, tag, tags, highlight, notices }: MapPageProps) {
  return (
    <Layout title="Map of the field" page={page} description="Every paper as a point, laid out by meaning.">
      <link rel="stylesheet" href="/static/map.css" />
      <h1>Map of the field</h1>
      {overview === null ? (
        <p class="notice map-missing">
          The map has not been built yet; run <code>paperboy map rebuild</code>.
        </p>
      ) : (
        <>
          <p class="muted">
            {formatCount(overview.layout.papers)} papers laid out by the meaning of their title and abstract: near papers are about similar
            things. Scroll or use the buttons to zoom, drag or use the arrow keys to move, click a point to open the paper.
          </p>
          <MapSearch q={q} tag={tag} tags={tags} />
          {notices.map((n) => (
            <p class="notice">{n}</p>
          ))}
          <div class="map-view" data-map={mapData(overview, highlight)}>
            <canvas class="map-canvas" tabindex={0} role="img" aria-label="Map of the field; arrow keys move, + and − zoom, 0 resets">
              The map needs a browser with WebGL.
            </canvas>
            <div class="map-labels" aria-hidden="true"></div>
            <div class="map-tooltip" role="status" aria-live="polite" hidden></div>
            <div class="map-controls">
              <button type="button" data-map-zoom="in" aria-label="Zoom in">
                +
              </button>
              <button type="button" data-map-zoom="out" aria-label="Zoom out">
                −
              </button>
              <button type="button" data-map-zoom="reset">
                Reset
              </button>
            </div>
          </div>
          <noscript>
            <p class="notice">Drawing the map needs JavaScript; the regions and any lit-up papers are listed below.</p>
          </noscript>
          {highlight ? <HighlightList highlight={highlight} /> : null}
          <section class="map-regions" aria-labelledby="map-regions-title">
            <h2 id="map-regions-title">Regions</h2>
            <ul>
              {overview.labels
                .filter((l) => l.level === 0)
                .map((l) => (
                  <li>
                    {l.words} <span class="muted">({formatCount(l.papers)} sampled papers)</span>
                  </li>
                ))}
            </ul>
          </section>
        </>
      )}
      <script src="/static/map.js" defer></script>
    </Layout>
  );
}
