import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { xmlEscape } from '../../src/web/syndication.js';
import { testApp } from '../helpers/app.js';
import { SEED_PAPERS, seedCommunity, XSS_TITLE } from '../helpers/community-seed.js';
import { describeEachStore } from '../helpers/stores.js';

type App = Awaited<ReturnType<typeof testApp>>;
const rssParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['item', 'category', 'atom:link'].includes(name),
});
const atomParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['entry', 'link', 'category', 'author'].includes(name),
});

describe('xmlEscape', () => {
  it('escapes markup and drops characters XML forbids', () => {
    expect(xmlEscape(`a<b>&"c'\u0001\u0008d`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
  });
});

describeEachStore('RSS and Atom feeds', (get) => {
  let t: App;
  beforeAll(async () => {
    await seedCommunity(get().store);
    t = await testApp(get());
    await t.deps.search.indexPapers(SEED_PAPERS.map((p) => p.id));
    await t.deps.search.whenReady();
  });

  const fetchXml = async (path: string) => {
    const res = await t.app.request(path);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(XMLValidator.validate(text), path).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed XML is navigated freely in assertions
    return { res, text, doc: (path.includes('.atom') ? atomParser : rssParser).parse(text) as Record<string, any> };
  };

  it('serves the daily feed as valid RSS 2.0 with absolute links and escaped text', async () => {
    const { res, text, doc } = await fetchXml('/feeds/daily.xml');
    expect(res.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(doc.rss['@version']).toBe('2.0');
    const channel = doc.rss.channel;
    expect(channel.title).toBe('Paperboy — daily papers');
    expect(channel.link).toBe('http://paperboy.test/papers/date/2025-01-07');
    expect(channel['atom:link'][0]['@href']).toBe('http://paperboy.test/feeds/daily.xml');
    expect(channel.item).toHaveLength(1);
    expect(channel.item[0]).toMatchObject({
      title: 'Protein Folding with Language Models',
      link: 'http://paperboy.test/papers/2501.00003',
      pubDate: 'Tue, 07 Jan 2025 00:00:00 GMT',
    });
    expect(text).not.toContain('<script');
  });

  it('serves the daily feed as valid Atom 1.0', async () => {
    const { res, doc } = await fetchXml('/feeds/daily.atom');
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = doc.feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toBe('http://paperboy.test/feeds/daily.atom');
    expect(feed.updated).toBe('2025-01-07T00:00:00.000Z');
    const entry = feed.entry[0];
    expect(entry.id).toBe('http://paperboy.test/papers/2501.00003');
    expect(entry.link[0]['@href']).toBe('http://paperboy.test/papers/2501.00003');
    expect(entry.author[0].name).toBe('Ada Lovelace');
    expect(entry.category[0]['@term']).toBe('q-bio.BM');
  });

  it('serves trending in the same order as /trending and keeps hostile titles as text', async () => {
    const { text, doc } = await fetchXml('/feeds/trending.xml');
    const ids = (doc.rss.channel.item as { link: string }[]).map((i) => i.link.replace('http://paperboy.test/papers/', ''));
    const html = await (await t.app.request('/trending')).text();
    const htmlOrder = [...html.matchAll(/<h2><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(htmlOrder);
    expect(text).toContain('Attention &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; is all you need');
    expect((doc.rss.channel.item as { title: string }[]).map((i) => i.title)).toContain(XSS_TITLE);
    await fetchXml('/feeds/trending.atom');
  });

  it('serves any search as RSS and Atom, and requires q', async () => {
    const { doc } = await fetchXml('/feeds/search.xml?q=diffusion');
    expect(doc.rss.channel.title).toBe('Paperboy — search: diffusion');
    expect(doc.rss.channel['atom:link'][0]['@href']).toBe('http://paperboy.test/feeds/search.xml?q=diffusion');
    const links = (doc.rss.channel.item as { link: string }[]).map((i) => i.link);
    expect(links).toContain('http://paperboy.test/papers/2501.00001');
    await fetchXml('/feeds/search.atom?q=diffusion');
    const missing = await t.app.request('/feeds/search.xml');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: { code: 'bad_request' } });
  });
});
