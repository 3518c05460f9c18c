/** RSS 2.0 and Atom 1.0 documents, built as escaped strings (no user text is ever emitted unescaped). */

export interface SyndicationItem {
  readonly title: string;
  /** Absolute URL of the item's page. */
  readonly link: string;
  readonly summary: string;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  /** ISO-8601 timestamp. */
  readonly published: string;
}

export interface SyndicationFeed {
  readonly title: string;
  readonly description: string;
  /** Absolute URL of the HTML page the feed mirrors. */
  readonly link: string;
  /** Absolute URL of the feed itself. */
  readonly self: string;
  /** ISO-8601 timestamp of the latest change. */
  readonly updated: string;
  readonly items: readonly SyndicationItem[];
}

/** Escapes text for XML content and attributes, and drops characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- deliberately matching the control characters XML forbids
      .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}

export function renderRss(feed: SyndicationFeed): string {
  const items = feed.items
    .map(
      (item) => `    <item>
      <title>${xmlEscape(item.title)}</title>
      <link>${xmlEscape(item.link)}</link>
      <guid isPermaLink="true">${xmlEscape(item.link)}</guid>
      <description>${xmlEscape(item.summary)}</description>
      <pubDate>${rfc822(item.published)}</pubDate>
${item.authors.length > 0 ? `      <dc:creator>${xmlEscape(item.authors.join(', '))}</dc:creator>\n` : ''}${item.categories.map((c) => `      <category>${xmlEscape(c)}</category>\n`).join('')}    </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>${xmlEscape(feed.title)}</title>
    <link>${xmlEscape(feed.link)}</link>
    <description>${xmlEscape(feed.description)}</description>
    <language>en</language>
    <lastBuildDate>${rfc822(feed.updated)}</lastBuildDate>
    <atom:link href="${xmlEscape(feed.self)}" rel="self" type="application/rss+xml"/>
${items}
  </channel>
</rss>
`;
}

export function renderAtom(feed: SyndicationFeed): string {
  const entries = feed.items
    .map(
      (item) => `  <entry>
    <title type="text">${xmlEscape(item.title)}</title>
    <link rel="alternate" type="text/html" href="${xmlEscape(item.link)}"/>
    <id>${xmlEscape(item.link)}</id>
    <published>${new Date(item.published).toISOString()}</published>
    <updated>${new Date(item.published).toISOString()}</updated>
${(item.authors.length > 0 ? item.authors : ['Unknown']).map((a) => `    <author><name>${xmlEscape(a)}</name></author>\n`).join('')}${item.categories.map((c) => `    <category term="${xmlEscape(c)}"/>\n`).join('')}    <summary type="text">${xmlEscape(item.summary)}</summary>
  </entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">${xmlEscape(feed.title)}</title>
  <subtitle type="text">${xmlEscape(feed.description)}</subtitle>
  <link rel="alternate" type="text/html" href="${xmlEscape(feed.link)}"/>
  <link rel="self" type="application/atom+xml" href="${xmlEscape(feed.self)}"/>
  <id>${xmlEscape(feed.self)}</id>
  <updated>${new Date(feed.updated).toISOString()}</updated>
  <generator>Paperboy</generator>
${entries}
</feed>
`;
}
