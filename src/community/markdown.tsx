import type { Child } from 'hono/jsx';

/**
 * A small Markdown subset for comments, rendered to JSX so every piece of user text goes through hono/jsx
 * escaping: no raw HTML ever reaches the page. Supported: paragraphs and line breaks, `- ` / `* ` and `1. `
 * lists, `> ` quotes, fenced ``` code blocks, `inline code`, **bold**, *italic* / _italic_, [text](https://…)
 * links and bare http(s) URLs. Anything else is shown as typed.
 */

/**
 * Characters of work the renderer did (table entries built and positions scanned); tests use it to show that
 * rendering takes time linear in the input.
 */
export interface RenderMeter {
  steps: number;
}

const NONE = -1;

/** Whether a UTF-16 code unit is whitespace as `\s` in a regular expression counts it. */
function isSpaceCode(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return code >= 0xa0 && /\s/.test(String.fromCharCode(code));
}

const isSpace = (char: string | undefined) => char !== undefined && isSpaceCode(char.charCodeAt(0));

const LT = 0x3c;
const GT = 0x3e;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const NEWLINE = 0x0a;
/** Punctuation a bare URL does not end with: `.,;:!?'"`. */
const TRAILING_PUNCTUATION = new Set([0x2e, 0x2c, 0x3b, 0x3a, 0x21, 0x3f, 0x27, 0x22]);

/**
 * For each position, where the next character of a set is: so each inline form is recognised in constant time,
 * and no position is looked at more than a fixed number of times whatever the input (`[[[[…` and `****…` included).
 */
class InlineIndex {
  readonly nextTick: Int32Array;
  readonly nextStar: Int32Array;
  readonly nextUnderscore: Int32Array;
  readonly nextCloseBracket: Int32Array;
  /** The next `)` or whitespace: where a link's URL ends. */
  readonly nextLinkEnd: Int32Array;
  /** The next whitespace, `<`, `>`, `(` or `)`: where a bare URL's run of characters ends. */
  readonly nextUrlStop: Int32Array;
  /** The last position at or before each one that a bare URL may end with. */
  readonly lastUrlEnd: Int32Array;

  constructor(text: string, meter: RenderMeter) {
    const n = text.length;
    const nextTick = (this.nextTick = new Int32Array(n + 1));
    const nextStar = (this.nextStar = new Int32Array(n + 1));
    const nextUnderscore = (this.nextUnderscore = new Int32Array(n + 1));
    const nextCloseBracket = (this.nextCloseBracket = new Int32Array(n + 1));
    const nextLinkEnd = (this.nextLinkEnd = new Int32Array(n + 1));
    const nextUrlStop = (this.nextUrlStop = new Int32Array(n + 1));
    const lastUrlEnd = (this.lastUrlEnd = new Int32Array(n));
    let tick = n;
    let star = n;
    let underscore = n;
    let closeBracket = n;
    let linkEnd = n;
    let urlStop = n;
    for (const table of [nextTick, nextStar, nextUnderscore, nextCloseBracket, nextLinkEnd, nextUrlStop]) table[n] = n;
    for (let i = n - 1; i >= 0; i--) {
      const code = text.charCodeAt(i);
      const space = isSpaceCode(code);
      if (code === NEWLINE) tick = star = underscore = closeBracket = i;
      else if (code === 0x60) tick = i;
      else if (code === 0x2a) star = i;
      else if (code === 0x5f) underscore = i;
      else if (code === 0x5d) closeBracket = i;
      if (code === CLOSE_PAREN || space) linkEnd = i;
      if (space || code === LT || code === GT || code === OPEN_PAREN || code === CLOSE_PAREN) urlStop = i;
      nextTick[i] = tick;
      nextStar[i] = star;
      nextUnderscore[i] = underscore;
      nextCloseBracket[i] = closeBracket;
      nextLinkEnd[i] = linkEnd;
      nextUrlStop[i] = urlStop;
    }
    let lastEnd = NONE;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      const stop = isSpaceCode(code) || code === LT || code === GT || code === OPEN_PAREN || code === CLOSE_PAREN;
      if (!stop && !TRAILING_PUNCTUATION.has(code)) lastEnd = i;
      lastUrlEnd[i] = lastEnd;
    }
    meter.steps += 2 * n;
  }
}

type InlineToken =
  | { readonly kind: 'code' | 'bold' | 'italic' | 'bare'; readonly end: number; readonly inner: string }
  | { readonly kind: 'link'; readonly end: number; readonly label: string; readonly href: string };

/**
 * The inline form starting at `p`, if any, with the same precedence and extent as the regular expression
 * `(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_)|(\[[^\]\n]+\]\([^)\s]+\))|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])`
 * (code, bold, italic, link, bare URL), found in constant time from the index.
 */
function tokenAt(text: string, index: InlineIndex, p: number): InlineToken | null {
  const n = text.length;
  const char = text[p];
  if (char === '`') {
    const close = index.nextTick[p + 1]!;
    if (close < n && text[close] === '`' && close > p + 1) return { kind: 'code', end: close + 1, inner: text.slice(p + 1, close) };
    return null;
  }
  if (char === '*' || char === '_') {
    const next = char === '*' ? index.nextStar : index.nextUnderscore;
    if (char === '*' && text[p + 1] === '*' && p + 2 < n) {
      const close = next[p + 2]!;
      if (close > p + 2 && close < n && text[close] === '*' && text[close + 1] === '*') {
        return { kind: 'bold', end: close + 2, inner: text.slice(p + 2, close) };
      }
    }
    const first = text[p + 1];
    if (first === undefined || first === char || isSpace(first)) return null;
    const close = next[p + 2]!;
    if (close < n && text[close] === char) return { kind: 'italic', end: close + 1, inner: text.slice(p + 1, close) };
    return null;
  }
  if (char === '[') {
    const close = index.nextCloseBracket[p + 1]!;
    if (close >= n || text[close] !== ']' || close === p + 1 || text[close + 1] !== '(') return null;
    const end = index.nextLinkEnd[close + 2]!;
    if (end >= n || text[end] !== ')' || end === close + 2) return null;
    return { kind: 'link', end: end + 1, label: text.slice(p + 1, close), href: text.slice(close + 2, end) };
  }
  if (char === 'h') {
    const start = text.startsWith('https://', p) ? p + 8 : text.startsWith('http://', p) ? p + 7 : NONE;
    if (start === NONE || start >= n) return null;
    const stop = index.nextUrlStop[start]!;
    if (stop <= start + 1) return null;
    const last = index.lastUrlEnd[stop - 1]!;
    if (last < start + 1) return null;
    return { kind: 'bare', end: last + 1, inner: text.slice(p, last + 1) };
  }
  return null;
}

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

export function renderInline(text: string, meter: RenderMeter = { steps: 0 }): Child[] {
  const out: Child[] = [];
  const index = new InlineIndex(text, meter);
  let last = 0;
  let p = 0;
  while (p < text.length) {
    meter.steps += 1;
    const token = tokenAt(text, index, p);
    if (!token) {
      p += 1;
      continue;
    }
    if (p > last) out.push(text.slice(last, p));
    if (token.kind === 'code') out.push(<code>{token.inner}</code>);
    else if (token.kind === 'bold') out.push(<strong>{renderInline(token.inner, meter)}</strong>);
    else if (token.kind === 'italic') out.push(<em>{renderInline(token.inner, meter)}</em>);
    else if (token.kind === 'link') {
      const href = safeHref(token.href);
      out.push(href ? link(href, renderInline(token.label, meter)) : text.slice(p, token.end));
    } else {
      const href = safeHref(token.inner);
      out.push(href ? link(href, token.inner) : token.inner);
    }
    p = last = token.end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function withBreaks(lines: readonly string[], meter: RenderMeter): Child[] {
  const out: Child[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push(<br />);
    for (const child of renderInline(line, meter)) out.push(child);
  });
  return out;
}

const BULLET = /^\s*[-*]\s+/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+/;
const QUOTE = /^\s*>\s?/;
const FENCE = /^\s*```/;

export function renderMarkdown(source: string, meter: RenderMeter = { steps: 0 }): Child[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  // Splitting reads the source once; the block rules below look at each line a fixed number of times.
  meter.steps += source.length;
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
            <li>{renderInline(item, meter)}</li>
          ))}
        </ul>,
      );
      continue;
    }
    if (NUMBERED.test(line)) {
      blocks.push(
        <ol>
          {takeWhile(NUMBERED).map((item) => (
            <li>{renderInline(item, meter)}</li>
          ))}
        </ol>,
      );
      continue;
    }
    if (QUOTE.test(line)) {
      blocks.push(
        <blockquote>
          <p>{withBreaks(takeWhile(QUOTE), meter)}</p>
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
    blocks.push(<p>{withBreaks(paragraph, meter)}</p>);
  }
  return blocks;
}
