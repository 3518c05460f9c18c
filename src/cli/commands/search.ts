import type { SearchHit, SearchService } from '../../search/search.service.js';
import { SemanticUnavailableError } from '../../search/semantic-index.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';
import { parseMode, parsePositiveInt, withSearch } from './search-support.js';

function format(value: number | null, digits = 3): string {
  return value === null ? '–' : value.toFixed(digits);
}

function describeHit(hit: SearchHit, rank: number, explain: boolean): string {
  const { paper } = hit;
  const lines = [`${String(rank).padStart(3)}. ${paper.id}  ${paper.title}`];
  const meta = [paper.authors.slice(0, 3).join(', ') + (paper.authors.length > 3 ? ' et al.' : ''), paper.publishedAt?.slice(0, 10) ?? '']
    .filter((s) => s !== '')
    .join(' · ');
  if (meta) lines.push(`     ${meta}`);
  if (explain && hit.explain) {
    const e = hit.explain;
    lines.push(
      `     lexical rank ${e.lexicalRank ?? '–'} score ${format(e.lexicalScore)} · semantic rank ${e.semanticRank ?? '–'} ` +
        `score ${format(e.semanticScore)} · fused ${format(e.fusedScore, 5)}`,
    );
  }
  return lines.join('\n');
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search papers (keywords and meaning); supports "phrases", -exclude, author:, cat:, after:, before:',
  usage:
    'paperboy search "<query>" [--mode lexical|semantic|hybrid] [--limit N] [--offset N] [--sort relevance|date|votes] [--json] [--explain]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      mode: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      sort: { type: 'string' },
      json: { type: 'boolean' },
      explain: { type: 'boolean' },
    });
    const q = positionals.join(' ').trim();
    if (q === '') throw new UsageError('give a query');
    const mode = parseMode(values.mode);
    const limit = parsePositiveInt('limit', values.limit, 10, 100);
    const offset = values.offset === undefined ? 0 : parsePositiveInt('offset', values.offset, 0, 1000);
    const sort = values.sort;
    if (sort !== undefined && sort !== 'relevance' && sort !== 'date' && sort !== 'votes') {
      throw new UsageError(`--sort must be relevance, date or votes (got "${sort}")`);
    }
    return withSearch(ctx.config, ctx.io, async (search) => {
      try {
        const result = await search.search({ q, mode, limit, offset, sort, explain: values.explain ?? false });
        if (values.json) {
          ctx.io.out(JSON.stringify(result));
          return ExitCode.ok;
        }
        for (const notice of result.notices) ctx.io.err(notice);
        if (result.jumpTo) ctx.io.out(`arXiv id: ${result.jumpTo}`);
        if (result.hits.length === 0) {
          ctx.io.out('No papers found.');
          return ExitCode.ok;
        }
        ctx.io.out(`${result.total} result${result.total === 1 ? '' : 's'} (${result.mode})`);
        result.hits.forEach((hit, i) => ctx.io.out(describeHit(hit, offset + i + 1, values.explain ?? false)));
        return ExitCode.ok;
      } catch (error) {
        if (error instanceof SemanticUnavailableError) {
          ctx.io.err(error.message);
          return ExitCode.failure;
        }
        throw error;
      }
    });
  },
};

export const similarCommand: Command = {
  name: 'similar',
  summary: 'Papers nearest in meaning to a paper',
  usage: 'paperboy similar <arxiv id> [--limit N] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { limit: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('give one paper id');
    const id = positionals[0]!;
    const limit = parsePositiveInt('limit', values.limit, 10, 100);
    return withSearch(ctx.config, ctx.io, async (search, store) => {
      const exists = await store.db.selectFrom('papers').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) {
        ctx.io.err(`No paper ${id} in the database.`);
        return ExitCode.failure;
      }
      const papers = (await search.similar(id, limit)).map((listed) => listed.paper);
      if (values.json) ctx.io.out(JSON.stringify(papers));
      else if (papers.length === 0) ctx.io.out('No similar papers found.');
      else papers.forEach((p, i) => ctx.io.out(`${String(i + 1).padStart(3)}. ${p.id}  ${p.title}`));
      return ExitCode.ok;
    });
  },
};

export const indexRebuildCommand: Command = {
  name: 'index rebuild',
  summary:
    'Retrain the builtin search model (or use the configured embedder), re-embed every paper, and compute pending full-text documents',
  usage: 'paperboy index rebuild [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    const rebuild = async (search: SearchService) => {
      const report = await search.rebuild((line) => ctx.io.err(line));
      if (values.json) ctx.io.out(JSON.stringify(report));
      else {
        const fullText = report.fullTextDocuments;
        ctx.io.out(
          `Indexed ${report.papers} papers with ${report.embedder} ` +
            `(training ${report.trainSeconds.toFixed(1)} s, embedding ${report.embedSeconds.toFixed(1)} s).` +
            (fullText.papers > 0 ? ` Computed ${fullText.papers} pending full-text documents in ${fullText.seconds.toFixed(1)} s.` : ''),
        );
      }
      return ExitCode.ok;
    };
    // No catch-up first: the rebuild retrains and re-embeds everything anyway.
    return withSearch(ctx.config, ctx.io, rebuild, { catchUp: false });
  },
};
