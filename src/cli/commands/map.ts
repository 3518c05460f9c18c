import { DEFAULT_SAMPLE_SIZE, DEFAULT_SEED, rebuildMap } from '../../map/map-rebuild.js';
import { MapUpdater } from '../../map/map-update.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';
import { parsePositiveInt, withSearch } from './search-support.js';

function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SEED;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--seed must be a whole number from 0 to 999999999 (got "${value}")`);
  return Number(value);
}

export const mapRebuildCommand: Command = {
  name: 'map rebuild',
  summary:
    'Lay out every paper on the map of the field from its search embedding (UMAP on a sample, the rest placed near their neighbours)',
  usage: 'paperboy map rebuild [--seed N] [--sample N] [--epochs N] [--dry-run] [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, {
      seed: { type: 'string' },
      sample: { type: 'string' },
      epochs: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const seed = parseSeed(values.seed);
    const sampleSize = parsePositiveInt('sample', values.sample, DEFAULT_SAMPLE_SIZE, 100_000);
    const epochs = parsePositiveInt('epochs', values.epochs, 200, 2_000);
    // The layout uses the vectors that exist; papers embedded later are placed by `map update` or the server.
    return withSearch(
      ctx.config,
      ctx.io,
      async (search, store) => {
        const embedder = search.activeEmbedderId();
        if (embedder === null) {
          ctx.io.err('There is no search embedder yet (no papers, or the model is not trained): run paperboy index rebuild first.');
          return ExitCode.failure;
        }
        const report = await rebuildMap(store, {
          embedder,
          seed,
          sampleSize,
          epochs,
          dryRun: values['dry-run'] ?? false,
          progress: (line) => ctx.io.err(line),
        });
        if (values.json) ctx.io.out(JSON.stringify(report));
        else if (report.papers === 0) ctx.io.out(`No papers have vectors of ${embedder} yet: nothing to lay out.`);
        else {
          ctx.io.out(
            `${report.dryRun ? 'Would lay out' : 'Laid out'} ${report.papers} papers (UMAP on ${report.sample}, seed ${report.seed}), ` +
              `${report.labels} region labels, in ${report.seconds.total} s ` +
              `(layout ${report.seconds.layout} s, placement ${report.seconds.placement} s).`,
          );
        }
        return report.papers === 0 ? ExitCode.failure : ExitCode.ok;
      },
      { catchUp: false },
    );
  },
};

export const mapUpdateCommand: Command = {
  name: 'map update',
  summary: 'Place papers embedded since the last map rebuild, without moving the others',
  usage: 'paperboy map update [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    return withSearch(
      ctx.config,
      ctx.io,
      async (search, store) => {
        const report = await new MapUpdater(store).update(search.activeEmbedderId(), { progress: (line) => ctx.io.err(line) });
        if (values.json) ctx.io.out(JSON.stringify(report));
        else if (report.noLayout) ctx.io.err('The map has not been built yet; run paperboy map rebuild.');
        else if (report.stale) ctx.io.err('The map was built from another search model; run paperboy map rebuild.');
        else ctx.io.out(`Placed ${report.placed} new papers on the map.`);
        return report.noLayout || report.stale ? ExitCode.failure : ExitCode.ok;
      },
      { catchUp: false },
    );
  },
};
