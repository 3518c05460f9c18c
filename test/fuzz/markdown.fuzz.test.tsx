import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/community/markdown.js';

const RUNS = { numRuns: 500 };

/** Comment text from the pieces Markdown, HTML and URLs are made of, so forms start, nest and break off. */
const commentish = fc
  .array(
    fc.constantFrom(
      '*',
      '**',
      '_',
      '`',
      '```',
      '[',
      ']',
      '(',
      ')',
      '](',
      '<',
      '>',
      '&',
      '"',
      "'",
      '<script>',
      '</p>',
      '<img src=x onerror=alert(1)>',
      'javascript:',
      'JaVaScRiPt:',
      'data:text/html,',
      'http://',
      'https://',
      'https://example.org/a?b=1&c=2',
      '//evil.example',
      '&lt;',
      '&#60;',
      '\n',
      '\n\n',
      '\r\n',
      '- ',
      '* ',
      '1. ',
      '> ',
      '  ',
      '\t',
      'a',
      'word ',
      '.',
      'é',
      '😀',
      '\u202e',
      '\u0000',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const anyComment = fc.oneof(
  { arbitrary: commentish, weight: 3 },
  { arbitrary: fc.string({ maxLength: 300 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
);

/** The only markup the renderer may write; everything else must arrive escaped. */
const RENDERER_TAG = /<\/?(?:p|ul|ol|li|blockquote|pre|code|strong|em|a)>|<br\/>|<a href="(?<href>[^"<>]*)" rel="nofollow ugc noopener">/g;

function renderedHtml(source: string): string {
  return String(<div>{renderMarkdown(source)}</div>).slice('<div>'.length, -'</div>'.length);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescapeAttribute(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

describe('comment Markdown (property-based)', () => {
  it('never throws, and does work linear in the input', () => {
    fc.assert(
      fc.property(anyComment, (source) => {
        const meter = { steps: 0 };
        renderMarkdown(source, meter);
        expect(meter.steps).toBeLessThanOrEqual(16 * source.length);
      }),
      RUNS,
    );
  });

  it('writes no markup but its own: every < and > of the input arrives escaped', () => {
    fc.assert(
      fc.property(anyComment, (source) => {
        const html = renderedHtml(source);
        const text = html.replace(RENDERER_TAG, '');
        expect(text).not.toMatch(/[<>]/);
        // Attribute values cannot be broken out of: no raw quote survives outside the renderer's own tags.
        expect(text).not.toContain('"');
      }),
      RUNS,
    );
  });

  it('links only to http(s) URLs, never to javascript: or other schemes', () => {
    fc.assert(
      fc.property(anyComment, (source) => {
        for (const match of renderedHtml(source).matchAll(RENDERER_TAG)) {
          const href = match.groups?.href;
          if (href === undefined) continue;
          expect(href).toMatch(/^https?:\/\//);
          expect(new URL(unescapeAttribute(href)).protocol).toMatch(/^https?:$/);
          expect(href).not.toMatch(/^\s*javascript:/i);
        }
      }),
      RUNS,
    );
  });

  it('opens and closes its elements in order', () => {
    fc.assert(
      fc.property(anyComment, (source) => {
        const open: string[] = [];
        for (const match of renderedHtml(source).matchAll(RENDERER_TAG)) {
          const tag = match[0];
          if (tag === '<br/>') continue;
          const name = /^<\/?([a-z]+)/.exec(tag)![1]!;
          if (tag.startsWith('</')) expect(open.pop()).toBe(name);
          else open.push(name);
        }
        expect(open).toEqual([]);
      }),
      RUNS,
    );
  });
});
