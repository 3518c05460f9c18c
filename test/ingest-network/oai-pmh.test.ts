import { describe, expect, it } from 'vitest';
import { parseArxivFeed } from '../../src/ingest/arxiv-api.js';
import { listRecordsUrl, OaiProtocolError, OaiResponseError, parseListRecordsPage } from '../../src/ingest/oai-pmh.js';
import { fixture } from './replay-server.js';

describe('parseListRecordsPage', () => {
  it('reads papers, skips and the resumption token of a recorded page', () => {
    const page = parseListRecordsPage(fixture('oai/list-records-cs-page1.xml'));

    expect(page).toMatchObject({ resumptionToken: '6960524|1001', completeListSize: 6, cursor: 0 });
    expect(page.records.map((r) => [r.kind, r.identifier, r.datestamp])).toEqual([
      ['paper', 'oai:arXiv.org:2501.00101', '2025-01-06'],
      ['paper', 'oai:arXiv.org:2501.00102', '2025-01-07'],
      ['paper', 'oai:arXiv.org:cs/0112017', '2025-01-03'],
    ]);
    const old = page.records[2];
    expect(old?.kind === 'paper' && old.paper).toMatchObject({
      id: 'cs/0112017',
      version: null,
      authors: ['Alan Turing'],
      categories: ['cs.LO'],
      publishedAt: '2001-12-14T00:00:00.000Z',
      updatedAt: '2025-01-02T00:00:00.000Z',
      journalRef: 'J. Symb. Logic 67 (2002) 1-20',
      doi: null,
      license: null,
      source: 'oai-pmh',
    });
  });

  it('reports deleted and malformed records as skips and an empty token as the end of the list', () => {
    const page = parseListRecordsPage(fixture('oai/list-records-cs-page2.xml'));

    expect(page).toMatchObject({ resumptionToken: null, completeListSize: 6, cursor: 3 });
    expect(page.records.map((r) => (r.kind === 'skip' ? r.reason : r.paper.id))).toEqual([
      '2501.00104',
      'deleted record',
      '2501.00106: missing title',
    ]);
  });

  it('turns OAI errors into OaiProtocolError with their code', () => {
    const error = (() => {
      try {
        parseListRecordsPage(fixture('oai/no-records-match.xml'));
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(OaiProtocolError);
    expect(error).toMatchObject({ code: 'noRecordsMatch' });
  });

  it('rejects responses that are not OAI-PMH documents', () => {
    expect(() => parseListRecordsPage('<html><body><h1>Service Unavailable</h1></html>')).toThrow(OaiResponseError);
    expect(() => parseListRecordsPage('<?xml version="1.0"?><html><body>busy</body></html>')).toThrow(/no <OAI-PMH> element/);
    const truncated = fixture('oai/list-records-cs-page1.xml').slice(0, 2000);
    expect(() => parseListRecordsPage(truncated)).toThrow(/not well-formed XML/);
  });

  it('keeps a record with an unusable id or no metadata as a skip, never an abort', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2025-01-09T14:02:11Z</responseDate>
<request verb="ListRecords">http://oaipmh.arxiv.org/oai</request><ListRecords>
<record><header><identifier>oai:arXiv.org:nonsense</identifier><datestamp>2025-01-06</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>nonsense</id><created>2025-01-01</created><authors><author><keyname>X</keyname></author></authors><title>T</title><abstract>A</abstract></arXiv></metadata></record>
<record><header><identifier>oai:arXiv.org:2501.00001</identifier><datestamp>2025-01-06</datestamp></header></record>
<record><header><identifier>oai:arXiv.org:2501.00002</identifier><datestamp>2025-01-06</datestamp></header>
<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2501.00002</id><created>someday</created><authors><author><keyname>X</keyname></author></authors><title>T</title><abstract>A</abstract></arXiv></metadata></record>
</ListRecords></OAI-PMH>`;
    expect(parseListRecordsPage(xml).records.map((r) => r.kind === 'skip' && r.reason)).toEqual([
      'invalid arXiv id "nonsense"',
      'no arXiv metadata',
      '2501.00002: missing or invalid <created> date',
    ]);
  });
});

describe('listRecordsUrl', () => {
  it('sends the query on the first request and only the token afterwards', () => {
    expect(listRecordsUrl('https://oaipmh.arxiv.org/oai', { set: 'physics:hep-th', from: '2025-01-01', until: '2025-01-31' })).toBe(
      'https://oaipmh.arxiv.org/oai?verb=ListRecords&metadataPrefix=arXiv&set=physics%3Ahep-th&from=2025-01-01&until=2025-01-31',
    );
    expect(listRecordsUrl('https://oaipmh.arxiv.org/oai', { set: 'cs', from: '2025-01-01' }, '6960524|1001')).toBe(
      'https://oaipmh.arxiv.org/oai?verb=ListRecords&resumptionToken=6960524%7C1001',
    );
  });
});

describe('parseArxivFeed', () => {
  it('reads entries in order and recognises the error entry', () => {
    expect(
      parseArxivFeed(fixture('arxiv-api/feed-three-of-four.xml')).map((e) =>
        e.kind === 'paper' ? `${e.paper.id}v${e.paper.version}` : e.message,
      ),
    ).toEqual(['2501.00201v2', '2501.00202v1', 'hep-th/9901001v3']);
    expect(parseArxivFeed(fixture('arxiv-api/error-bad-id.xml'))).toEqual([
      { kind: 'error', message: 'incorrect id format for 2501.0020x' },
    ]);
    expect(parseArxivFeed(fixture('arxiv-api/feed-empty.xml'))).toEqual([]);
  });
});
