import { describe, expect, it } from 'vitest';
import { parseArxivFeed } from '../../src/ingest/arxiv-api.js';
import { parseListRecordsPage } from '../../src/ingest/oai-pmh.js';
import { PAPER_LIMITS } from '../../src/papers/paper-limits.js';

function oaiRecord(id: string, fields: { title?: string; created?: string; updated?: string; datestamp?: string }): string {
  return `<record><header><identifier>oai:arXiv.org:${id}</identifier><datestamp>${fields.datestamp ?? '2025-01-06'}</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>${id}</id><created>${fields.created ?? '2025-01-01'}</created>${
    fields.updated ? `<updated>${fields.updated}</updated>` : ''
  }<authors><author><keyname>X</keyname></author></authors><title>${fields.title ?? 'T'}</title><abstract>A</abstract></arXiv></metadata></record>`;
}

function apiEntry(id: string, summary: string, published = '2025-01-01T00:00:00Z'): string {
  return `<entry><id>http://arxiv.org/abs/${id}v1</id><published>${published}</published><title>T</title><summary>${summary}</summary>
<author><name>A. Author</name></author></entry>`;
}

describe('limits on harvested and fetched records', () => {
  it('skips OAI-PMH records over the limits or with impossible dates, with the reason', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2025-01-09T14:02:11Z</responseDate><ListRecords>
${oaiRecord('2501.00001', {})}
${oaiRecord('2501.00002', { title: 'T'.repeat(PAPER_LIMITS.title + 1) })}
${oaiRecord('2501.00003', { created: '-271821-04-20' })}
${oaiRecord('2501.00004', { updated: '2025-02-30' })}
${oaiRecord('2501.00005', { datestamp: '+275760-09-13' })}
${oaiRecord('2501.00006', { datestamp: '2025-01-07T10:00:00Z' })}
</ListRecords></OAI-PMH>`;
    const { records } = parseListRecordsPage(xml);
    // Only real datestamps can become the next harvest's starting point.
    expect(records.map((r) => r.datestamp)).toEqual(['2025-01-06', '2025-01-06', '2025-01-06', '2025-01-06', null, '2025-01-07T10:00:00Z']);
    expect(records.map((r) => (r.kind === 'skip' ? r.reason : r.paper.id))).toEqual([
      '2501.00001',
      `2501.00002: title is ${PAPER_LIMITS.title + 1} characters long (at most ${PAPER_LIMITS.title})`,
      '2501.00003: missing or invalid <created> date',
      '2501.00004: <updated> "2025-02-30" is not a date from 1991 to 9999',
      'invalid datestamp "+275760-09-13"',
      '2501.00006',
    ]);
  });

  it('leaves out arXiv API entries over the limits, so they are reported missing', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">
${apiEntry('2501.00001', 'A short abstract.')}
${apiEntry('2501.00002', 'x'.repeat(PAPER_LIMITS.abstract + 1))}
${apiEntry('2501.00003', 'Fine.', '+275760-09-13T00:00:00Z')}
</feed>`;
    expect(parseArxivFeed(xml).map((entry) => (entry.kind === 'paper' ? entry.paper.id : entry.message))).toEqual(['2501.00001']);
  });
});
