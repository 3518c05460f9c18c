import type { Child } from 'hono/jsx';
import { jsx } from 'hono/jsx';
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

/** Mentioned accounts that exist: lower-cased name → the username as registered. */
export type KnownMentions = ReadonlyMap<string, string>;

function linkedText(text: string, known: KnownMentions): Child[] {
  const out: Child[] = [];
  let at = 0;
  for (const match of text.matchAll(MENTION)) {
    const username = known.get(match[1]!.toLowerCase());
    if (!username) continue;
    if (match.index > at) out.push(text.slice(at, match.index));
    out.push(jsx('a', { href: `/u/${encodeURIComponent(username)}`, class: 'mention' }, match[0]));
    at = match.index + match[0].length;
  }
  if (at === 0) return [text];
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/**
 * The rendered comment with each `@name` of an existing account linked to their profile, where the mention counts
 * (in prose: not in code, not inside a link). Text nodes are rewritten in place; the tree is the caller's own.
 */
export function linkMentions(nodes: Child[], known: KnownMentions): Child[] {
  if (known.size === 0) return nodes;
  const out: Child[] = [];
  for (const node of nodes) {
    if (typeof node === 'string') out.push(...linkedText(node, known));
    else if (Array.isArray(node)) out.push(linkMentions(node as Child[], known));
    else {
      if (isElement(node) && !(typeof node.tag === 'string' && NOT_PROSE.has(node.tag))) {
        (node as { children: Child[] }).children = linkMentions([...node.children], known);
      }
      out.push(node);
    }
  }
  return out;
}
