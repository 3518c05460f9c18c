/** One paper's place on the map of the field: coordinates in [0, 1]² and the keys that make tile and neighbourhood reads indexed. */
export interface MapPointsTable {
  paper_id: string;
  x: number;
  y: number;
  /** A number in [0, 1) fixed by the paper id: lower ranks show at lower zoom, a uniform (density-preserving) sample. */
  rank: number;
  /** The lowest zoom the point is drawn at (from its rank and the layout's size). */
  level: number;
  /** The point's quadtree key (15 bits of x and y interleaved): a tile at any zoom is one contiguous range. */
  morton: number;
  /** Grid cell at the layout's `cell_zoom`, for the paper page's neighbourhood (3 × 3 cells around the paper). */
  cell_x: number;
  cell_y: number;
  /** 1 for the papers the layout was computed on, 0 for those placed from their nearest sample neighbours. */
  in_sample: number;
}

/** The stored layout: at most one row (id 1), replaced by each rebuild. */
export interface MapLayoutsTable {
  id: number;
  /** Changes with every rebuild; with `revision` it versions what the points API answers. */
  version: string;
  /** Incremented each time new papers are placed without a rebuild. */
  revision: number;
  embedder: string;
  /** The highest vector key placed so far. */
  vector_key: number;
  /**
   * Where `map update` stands in the embedder's vector change log (a LogPosition as JSON): every vector committed
   * before it has been placed. Null for layouts older than migration 025 (read from `vector_key` in order-committing
   * engines, from the start elsewhere).
   */
  vector_log: string | null;
  seed: number;
  /** Papers laid out by the last rebuild (the level and cell scales are fixed from it). */
  papers: number;
  sample_size: number;
  cell_zoom: number;
  /** Points shown at zoom 0 (the level scale). */
  level_base: number;
  built_at: string;
  build_seconds: number;
}

/** A labelled region of the layout at one zoom level: its centre, size and most distinctive title words. */
export interface MapLabelsTable {
  level: number;
  x: number;
  y: number;
  papers: number;
  words: string;
}
