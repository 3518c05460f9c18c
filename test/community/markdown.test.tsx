import fc from 'fast-check';
import type { Child } from 'hono/jsx';
import { describe, expect, it } from 'vitest';
import { renderInline, renderMarkdown, safeHref } from '../../src/community/markdown.js';

const render = (source: string) => String(<div>{renderMarkdown(source)}</div>);

describe('comment Markdown subset', () => {
  it('renders emphasis, code, links and paragraphs', () => {
    expect(render('Hello **bold** and *it* and `x < y`\n\nSecond [site](https://example.org/a?b=1&c=2) para')).toBe(
      '<div><p>Hello <strong>bold</strong> and <em>it</em> and <code>x &lt; y</code></p><p>Second <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">site</a> para</p></div>',
    );
  });

  it('renders lists, quotes, fenced code and line breaks', () => {
    expect(render('- a\n- b\n\n1. one\n2. two\n\n> quoted\n> more\n\n```\n<b>raw</b>\n```\nline1\nline2')).toBe(
      '<div><ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li></ol><blockquote><p>quoted<br/>more</p></blockquote><pre><code>&lt;b&gt;raw&lt;/b&gt;</code></pre><p>line1<br/>line2</p></div>',
    );
  });

  it('never emits user HTML', () => {
    const out = render('<script>alert(1)</script> <img src=x onerror=alert(1)> **<i>x</i>**');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<i>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops non-http links and autolinks bare URLs', () => {
    expect(render('[click](javascript:alert(1))')).not.toContain('href="javascript');
    expect(render('see https://arxiv.org/abs/2501.00001.')).toBe(
      '<div><p>see <a href="https://arxiv.org/abs/2501.00001" rel="nofollow ugc noopener">https://arxiv.org/abs/2501.00001</a>.</p></div>',
    );
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('https://example.org/"onmouseover')).toBe('https://example.org/%22onmouseover');
  });
});

/** The renderer as it was before it became linear: a regular expression with unbounded look-ahead per position. */
const REFERENCE_INLINE =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_)|(\[[^\]\n]+\]\([^)\s]+\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

function referenceInline(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE_INLINE)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    const [token, code, bold, italic, mdLink, bare] = match;
    const anchor = (href: string, label: Child) => (
      <a href={href} rel="nofollow ugc noopener">
        {label}
      </a>
    );
    if (code) out.push(<code>{code.slice(1, -1)}</code>);
    else if (bold) out.push(<strong>{referenceInline(bold.slice(2, -2))}</strong>);
    else if (italic) out.push(<em>{referenceInline(italic.slice(1, -1))}</em>);
    else if (mdLink) {
      const split = mdLink.indexOf('](');
      const href = safeHref(mdLink.slice(split + 2, -1));
      out.push(href ? anchor(href, referenceInline(mdLink.slice(1, split))) : token);
    } else if (bare) {
      const href = safeHref(bare);
      out.push(href ? anchor(href, bare) : bare);
    }
    last = index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Text made of the characters the inline forms are built from, so forms start, nest, overlap and break off. */
const markdownish = fc
  .array(
    fc.constantFrom(
      '*',
      '**',
      '_',
      '`',
      '[',
      ']',
      '(',
      ')',
      '](',
      'http://',
      'https://',
      'a',
      'b c',
      ' ',
      '.',
      ',',
      '!',
      '"',
      '<',
      '>',
      '\n',
      'é',
      '😀',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('inline rendering', () => {
  it('renders exactly as the regular-expression renderer did', () => {
    fc.assert(
      fc.property(fc.oneof(markdownish, fc.string({ maxLength: 40 })), (text) => {
        expect(String(<p>{renderInline(text)}</p>)).toBe(String(<p>{referenceInline(text)}</p>));
      }),
      { numRuns: 2000 },
    );
  });

  // Work is counted, not timed, so the test cannot be flaky: rendering 4n characters of each shape that made the
  // old renderer quadratic must cost about four times as much as n characters, and a few steps per character.
  it.each([
    ['open brackets', (n: number) => '['.repeat(n)],
    ['stars', (n: number) => '*'.repeat(n)],
    ['backticks', (n: number) => `x${'`'.repeat(n - 1)}`],
    ['fences', (n: number) => '```\n'.repeat(n / 4)],
    ['quotes and list items', (n: number) => '> [\n- *\n'.repeat(n / 8)],
    ['alternating emphasis', (n: number) => '_*'.repeat(n / 2)],
    ['nested links', (n: number) => '[a]('.repeat(n / 4)],
    ['link labels that never close', (n: number) => '[a'.repeat(n / 2)],
    ['parentheses', (n: number) => `[x](${'('.repeat(n - 4)}`],
    ['underscores and words', (n: number) => '_a '.repeat(n / 3)],
    ['URL-looking text', (n: number) => 'http://'.repeat(n / 7)],
    ['URL with trailing punctuation', (n: number) => `http://a${'.'.repeat(n - 8)}`],
    ['bold around italics', (n: number) => `**${'_a*b'.repeat((n - 4) / 4)}**`],
  ])('renders %s in linear work', (_shape, make) => {
    const work = (n: number) => {
      const meter = { steps: 0 };
      const source = make(n);
      renderMarkdown(source, meter);
      return { steps: meter.steps, length: source.length };
    };
    const small = work(2_000);
    const large = work(8_000);
    expect(large.steps).toBeLessThanOrEqual(16 * large.length);
    expect(large.steps / small.steps).toBeLessThan(4.5);
  });
});
