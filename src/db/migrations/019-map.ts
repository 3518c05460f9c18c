import type { Kysely } from 'kysely';

/** The map of the field: each paper's 2-D position, the layout it belongs to, and the labelled regions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('map_points')
    .addColumn('paper_id', 'text', (c) => c.primaryKey().references('papers.id'))
    .addColumn('x', 'double precision', (c) => c.notNull())
    .addColumn('y', 'double precision', (c) => c.notNull())
    .addColumn('rank', 'double precision', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('morton', 'integer', (c) => c.notNull())
    .addColumn('cell_x', 'integer', (c) => c.notNull())
    .addColumn('cell_y', 'integer', (c) => c.notNull())
    .addColumn('in_sample', 'integer', (c) => c.notNull())
    .execute();
  // Tiles: for each level up to the zoom, one contiguous quadtree range.
  await db.schema.createIndex('map_points_level_morton').on('map_points').columns(['level', 'morton']).execute();
  // The paper page's neighbourhood: the 3 × 3 cells around the paper.
  await db.schema.createIndex('map_points_cell').on('map_points').columns(['cell_x', 'cell_y']).execute();

  await db.schema
    .createTable('map_layouts')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('vector_key', 'integer', (c) => c.notNull())
    .addColumn('embedder', 'text', (c) => c.notNull())
    .addColumn('seed', 'integer', (c) => c.notNull())
    .addColumn('papers', 'integer', (c) => c.notNull())
    .addColumn('sample_size', 'integer', (c) => c.notNull())
    .addColumn('cell_zoom', 'integer', (c) => c.notNull())
    .addColumn('level_base', 'integer', (c) => c.notNull())
    .addColumn('built_at', 'text', (c) => c.notNull())
    .addColumn('build_seconds', 'double precision', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('map_labels')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('x', 'double precision', (c) => c.notNull())
    .addColumn('y', 'double precision', (c) => c.notNull())
    .addColumn('papers', 'integer', (c) => c.notNull())
    .addColumn('words', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('map_labels_level').on('map_labels').columns(['level']).execute();
}
