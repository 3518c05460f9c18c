import { STOPWORDS, words } from '../search/text.js';
import type { Point2 } from './layout.js';
import type { RegionLabel } from './map.repository.js';
import { seededRandom } from '../seeded-random.js';

/** Regions per label level: level L (shown from zoom L on) cuts the map into about 8 · 4^L regions. */
export const LABEL_LEVELS = [8, 32, 128] as const;
const ITERATIONS = 25;
const WORDS_PER_LABEL = 3;
/** A region smaller than this gets no label. */
const MIN_REGION_PAPERS = 5;

/** k-means on 2-D points, seeded k-means++ start; returns each point's cluster and the centres. */
export function kMeans(points: readonly Point2[], k: number, seed: number): { assignment: Int32Array; centres: Point2[] } {
  const random = seededRandom(seed);
  const n = points.length;
  const assignment = new Int32Array(n);
  if (n === 0 || k <= 0) return { assignment, centres: [] };
  const centres: { x: number; y: number }[] = [{ ...points[Math.floor(random() * n)]! }];
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < Math.min(k, n)) {
    const last = centres[centres.length - 1]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = (points[i]!.x - last.x) ** 2 + (points[i]!.y - last.y) ** 2;
      if (d < nearest[i]!) nearest[i] = d;
      total += nearest[i]!;
    }
    if (total === 0) break;
    let target = random() * total;
    let chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]!;
      if (target <= 0) {
        chosen = i;
        break;
      }
    }
    centres.push({ ...points[chosen]! });
  }
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < centres.length; c++) {
        const d = (points[i]!.x - centres[c]!.x) ** 2 + (points[i]!.y - centres[c]!.y) ** 2;
        if (d < bestD) [best, bestD] = [c, d];
      }
      assignment[i] = best;
    }
    const sums = centres.map(() => ({ x: 0, y: 0, n: 0 }));
    for (let i = 0; i < n; i++) {
      const s = sums[assignment[i]!]!;
      s.x += points[i]!.x;
      s.y += points[i]!.y;
      s.n++;
    }
    sums.forEach((s, c) => {
      if (s.n > 0) centres[c] = { x: s.x / s.n, y: s.y / s.n };
    });
  }
  return { assignment, centres };
}

/** Title words worth showing: no stop words, no numbers, at least three letters. */
function labelWords(title: string): Set<string> {
  return new Set(words(title).filter((w) => w.length >= 3 && !STOPWORDS.has(w) && !/^\d+$/.test(w)));
}

/**
 * Labels for the regions of the layout at each level: k-means on the positions, then each region's most distinctive
 * title words by TF-IDF (the share of the region's titles with the word, times the word's inverse document frequency
 * over all the titles given).
 */
export function regionLabels(points: readonly Point2[], titles: readonly string[], seed: number): RegionLabel[] {
  const docs = titles.map(labelWords);
  const df = new Map<string, number>();
  for (const doc of docs) for (const w of doc) df.set(w, (df.get(w) ?? 0) + 1);
  const n = points.length;
  const labels: RegionLabel[] = [];
  let previousK = 0;
  LABEL_LEVELS.forEach((regions, level) => {
    const k = Math.min(regions, Math.floor(n / MIN_REGION_PAPERS));
    // A small map has too few papers for finer levels: they would repeat the coarser one.
    if (k < 1 || k <= previousK) return;
    previousK = k;
    const { assignment, centres } = kMeans(points, k, seed + level);
    const members: number[][] = centres.map(() => []);
    for (let i = 0; i < n; i++) members[assignment[i]!]!.push(i);
    members.forEach((indexes, c) => {
      if (indexes.length < MIN_REGION_PAPERS) return;
      const tf = new Map<string, number>();
      for (const i of indexes) for (const w of docs[i]!) tf.set(w, (tf.get(w) ?? 0) + 1);
      const minCount = Math.max(2, Math.ceil(indexes.length * 0.02));
      const scored = [...tf]
        .filter(([, count]) => count >= minCount)
        .map(([word, count]) => ({ word, score: (count / indexes.length) * Math.log(n / df.get(word)!) }))
        .filter((s) => s.score > 0)
        .sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : 1))
        .slice(0, WORDS_PER_LABEL);
      if (scored.length === 0) return;
      const centre = centres[c]!;
      labels.push({ level, x: centre.x, y: centre.y, papers: indexes.length, words: scored.map((s) => s.word).join(' · ') });
    });
  });
  return withoutRepeats(labels);
}

/** Regions this close (in map units) with the same words at the same level are shown as one label. */
const REPEAT_DISTANCE = 0.15;

/** Drops a label that repeats the words of a larger one nearby at its level. */
function withoutRepeats(labels: readonly RegionLabel[]): RegionLabel[] {
  const kept: RegionLabel[] = [];
  for (const label of [...labels].sort((a, b) => b.papers - a.papers)) {
    const repeat = kept.some(
      (k) => k.level === label.level && k.words === label.words && Math.hypot(k.x - label.x, k.y - label.y) < REPEAT_DISTANCE,
    );
    if (!repeat) kept.push(label);
  }
  return kept.sort((a, b) => a.level - b.level || b.papers - a.papers);
}
