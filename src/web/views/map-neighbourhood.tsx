import type { NeighbourPoint } from '../../map/map.repository.js';
import { paperPath } from './components.js';

const SIZE = 240;
const HALF = SIZE / 2;
/** Room left at the edge for the dots. */
const INNER = HALF - 8;

function position(value: number, centre: number, radius: number): number {
  return Math.round((HALF + ((value - centre) / radius) * INNER) * 10) / 10;
}

/**
 * The paper and its nearest papers on the map of the field, as a static SVG (no script): each dot links to its paper
 * and names it on hover. `points` come nearest first, the paper itself first of all.
 */
export function NeighbourhoodMap({ paperId, points }: { paperId: string; points: readonly NeighbourPoint[] }) {
  const here = points.find((p) => p.paperId === paperId);
  if (!here || points.length < 2) return null;
  const radius = Math.max(1e-6, Math.sqrt(points[points.length - 1]!.distance)) * 1.05;
  const others = points.filter((p) => p.paperId !== paperId).reverse();
  return (
    <figure class="map-neighbourhood">
      <svg viewBox={`0 0 ${SIZE} ${SIZE}`} width={SIZE} height={SIZE} aria-hidden="true">
        {others.map((p) => (
          <a href={paperPath(p.paperId)} tabindex={-1}>
            <circle class="map-dot" cx={position(p.x, here.x, radius)} cy={position(p.y, here.y, radius)} r="3.5">
              <title>{p.title}</title>
            </circle>
          </a>
        ))}
        <circle class="map-here" cx={HALF} cy={HALF} r="6">
          <title>{here.title}</title>
        </circle>
      </svg>
      <figcaption>
        This paper among the {others.length} nearest on the <a href="/map">map of the field</a>.
      </figcaption>
    </figure>
  );
}
