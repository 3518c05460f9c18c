import type { Child } from 'hono/jsx';

/**
 * A small Markdown subset for comments, rendered to JSX so every piece of user text goes through hono/jsx
 * escaping: no raw HTML ever reaches the page. Supported: paragraphs and line breaks, `- ` / `* ` and `1. `
 * lists, `> ` quotes, fenced ``` code blocks, `inline code`, **bold**, *italic* / _italic_, [text](https://…)
 * links and bare http(s) URLs. Anything else is shown as typed.
 */

const INLINE =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_)|(\[[^\]\n]+\]\([^)\s]+\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

/** Only absolute http(s) links survive; `javascript:` and friends are shown as text. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function link(href: string, text: Child) {
  return (
    <a href={href} rel="nofollow ugc noopener">
      {text}
    </a>
  );
}

export function renderInline(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const index = match.index;
    if (index > last) out.push(text.slice(last, index));
    const [token, code, bold, italic, mdLink, bare] = match;
    if (code) out.push(<code>{code.slice(1, -1)}</code>);
    else if (bold) out.push(<strong>{renderInline(bold.slice(2, -2))}</strong>);
    else if (italic) out.push(<em>{renderInline(italic.slice(1, -1))}</em>);
    else if (mdLink) {
      const split = mdLink.indexOf('](');
      const label = mdLink.slice(1, split);
      const href = safeHref(mdLink.slice(split + 2, -1));
      out.push(href ? link(href, renderInline(label)) : token);
    } else if (bare) {
      const href = safeHref(bare);
      out.push(href ? link(href, bare) : bare);
    }
    last = index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function withBreaks(lines: readonly string[]): Child[] {
  const out: Child[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push(<br />);
    out.push(...renderInline(line));
  });
  return out;
}

const BULLET = /^\s*[-*]\s+/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+/;
const QUOTE = /^\s*>\s?/;
const FENCE = /^\s*```/;

export function renderMarkdown(source: string): Child[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Child[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i += 1;
      continue;
    }
    if (FENCE.test(line)) {
      const code: string[] = [];
      i += 1;
      while (i < lines.length && !FENCE.test(lines[i]!)) code.push(lines[i++]!);
      i += 1;
      blocks.push(
        <pre>
          <code>{code.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    const takeWhile = (pattern: RegExp): string[] => {
      const taken: string[] = [];
      while (i < lines.length && pattern.test(lines[i]!)) taken.push(lines[i++]!.replace(pattern, ''));
      return taken;
    };
    if (BULLET.test(line)) {
      blocks.push(
        <ul>
          {takeWhile(BULLET).map((item) => (
            <li>{renderInline(item)}</li>
          ))}
        </ul>,
      );
      continue;
    }
    if (NUMBERED.test(line)) {
      blocks.push(
        <ol>
          {takeWhile(NUMBERED).map((item) => (
            <li>{renderInline(item)}</li>
          ))}
        </ol>,
      );
      continue;
    }
    if (QUOTE.test(line)) {
      blocks.push(
        <blockquote>
          <p>{withBreaks(takeWhile(QUOTE))}</p>
        </blockquote>,
      );
      continue;
    }
    const paragraph: string[] = [];
    while (
      i < lines.length &&
      lines[i]!.trim() !== '' &&
      !FENCE.test(lines[i]!) &&
      !BULLET.test(lines[i]!) &&
      !NUMBERED.test(lines[i]!) &&
      !QUOTE.test(lines[i]!)
    ) {
      paragraph.push(lines[i++]!);
    }
    blocks.push(<p>{withBreaks(paragraph)}</p>);
  }
  return blocks;
}
