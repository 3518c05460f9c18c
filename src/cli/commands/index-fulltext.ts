import { openMigratedStore } from '../../runtime.js';
import { createLexicalIndex } from '../../search/lexical/create-lexical-index.js';
import { ExitCode, parseCommandArgs, type Command } from '../command.js';

export const indexFullTextCommand: Command = {
  name: 'index fulltext',
  summary: 'Compute the full-text documents bulk imports left pending (PostgreSQL; `serve` does it in the background)',
  usage: 'paperboy index fulltext [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    const store = await openMigratedStore(ctx.config);
    const lexical = createLexicalIndex(store);
    try {
      if (store.capabilities.fullText !== 'tsvector') {
        ctx.io.out(
          values.json
            ? JSON.stringify({ papers: 0, seconds: 0 })
            : 'nothing to do: SQLite keeps its full-text index in step within each write',
        );
        return ExitCode.ok;
      }
      const started = performance.now();
      const papers = await lexical.finishBacklog((line) => ctx.io.err(line));
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      ctx.io.out(values.json ? JSON.stringify({ papers, seconds }) : `full-text documents computed for ${papers} papers in ${seconds}s`);
      return ExitCode.ok;
    } finally {
      await lexical.flush();
      await store.close();
    }
  },
};
