import { openMigratedStore } from '../../runtime.js';
import { recomputeAllTrending } from '../../trending/trending.repository.js';
import { ExitCode, parseCommandArgs, type Command } from '../command.js';

export const trendingRecompute: Command = {
  name: 'trending recompute',
  summary: "Recompute every paper's trending score (after bulk imports or a formula change)",
  usage: 'paperboy trending recompute [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    const store = await openMigratedStore(ctx.config);
    try {
      const started = performance.now();
      const papers = await store.db.transaction().execute((trx) => recomputeAllTrending(trx));
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      ctx.io.out(values.json ? JSON.stringify({ papers, seconds }) : `trending scores recomputed for ${papers} papers in ${seconds}s`);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
