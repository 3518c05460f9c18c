import { describe, expect, it } from 'vitest';
import { renderMarkdown, safeHref } from '../../src/community/markdown.js';

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
