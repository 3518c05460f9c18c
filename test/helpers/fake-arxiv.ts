import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeArxivPaper {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly published: string;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function entry(p: FakeArxivPaper): string {
  return `<entry>
    <id>http://arxiv.org/abs/${p.id}v1</id>
    <updated>${p.published}</updated>
    <published>${p.published}</published>
    <title>${escapeXml(p.title)}</title>
    <summary>${escapeXml(p.abstract)}</summary>
    ${p.authors.map((a) => `<author><name>${escapeXml(a)}</name></author>`).join('')}
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="${p.categories[0] ?? 'cs.LG'}" scheme="http://arxiv.org/schemas/atom"/>
    ${p.categories.map((c) => `<category term="${c}" scheme="http://arxiv.org/schemas/atom"/>`).join('')}
  </entry>`;
}

/** A local stand-in for export.arxiv.org/api/query answering `id_list` queries from a fixed set of papers. */
export async function startFakeArxiv(
  papers: readonly FakeArxivPaper[],
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const byId = new Map(papers.map((p) => [p.id, p]));
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.search);
    const ids = (url.searchParams.get('id_list') ?? '').split(',').filter(Boolean);
    const found = ids.map((id) => byId.get(id.replace(/v\d+$/, ''))).filter((p): p is FakeArxivPaper => p !== undefined);
    res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title>arXiv Query</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2025-01-01T00:00:00-05:00</updated>
  <opensearch:totalResults>${found.length}</opensearch:totalResults>
  ${found.map(entry).join('\n')}
</feed>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/query`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
