import type { Child } from 'hono/jsx';
import { renderMarkdown } from './markdown.js';

/** Most people one comment can mention: more is a mailing list, not a conversation. */
export const MAX_MENTIONS = 20;

/** `@name` where the name has a username's shape and is not part of an email address or a longer word. */
const MENTION = /(?<![\w@.-])@([A-Za-z0-9][A-Za-z0-9_-]{1,29}[A-Za-z0-9])(?![\w-])/g;

/** Elements whose text is not prose: code is shown as typed, and a link's text or URL mentions nobody. */
const NOT_PROSE = new Set(['code', 'pre', 'a']);

interface Element {
  readonly tag: unknown;
  readonly children: readonly Child[];
}

function isElement(node: unknown): node is Element {
  return typeof node === 'object' && node !== null && 'tag' in node && 'children' in node;
}

/** The comment's prose as rendered, one string per run of text between elements that are not prose. */
function proseRuns(nodes: readonly Child[], runs: string[], current: { text: string }): void {
  for (const node of nodes) {
    if (typeof node === 'string' || typeof node === 'number') {
      current.text += String(node);
    } else if (Array.isArray(node)) {
      proseRuns(node as Child[], runs, current);
    } else if (isElement(node)) {
      if (typeof node.tag === 'string' && NOT_PROSE.has(node.tag)) {
        runs.push(current.text);
        current.text = '';
        continue;
      }
      // Block elements end a run, so `@a` at the end of one paragraph and `b` at the start of the next stay apart.
      if (node.tag !== 'strong' && node.tag !== 'em') {
        runs.push(current.text);
        current.text = ' ';
      }
      proseRuns(node.children, runs, current);
    }
  }
}

/**
 * The usernames a comment mentions (`@name`), as the page renders it: not inside code spans or fenced code blocks
 * and not inside links, each once (first spelling), at most MAX_MENTIONS.
 */
export function mentionedUsernames(markdown: string): string[] {
  const runs: string[] = [];
  const current = { text: '' };
  proseRuns(renderMarkdown(markdown), runs, current);
  runs.push(current.text);
  const seen = new Map<string, string>();
  for (const run of runs) {
    for (const match of run.matchAll(MENTION)) {
      const name = match[1]!;
      if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
      if (seen.size >= MAX_MENTIONS) return [...seen.values()];
    }
  }
  return [...seen.values()];
}
