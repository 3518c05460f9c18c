import { parseQuery, type ParsedQuery } from '../search/query-parser.js';
import { words } from '../search/text.js';
import type { LibraryEntry } from './library.repository.js';

/**
 * Search within a library, in the site's query language: every word and phrase must occur in the title, abstract,
 * authors, note or tags; `-word` must not; `author:`, `cat:`, `after:` and `before:` filter; a whole arXiv id or
 * URL finds that paper. Libraries are small (capped), so entries are matched in memory.
 */
export function matchLibrary(entries: readonly LibraryEntry[], queryText: string): LibraryEntry[] {
  const query = parseQuery(queryText);
  if (isEmpty(query)) return [...entries];
  return entries.filter((entry) => matches(entry, query));
}

function isEmpty(q: ParsedQuery): boolean {
  return (
    q.jumpTo === null &&
    q.terms.length === 0 &&
    q.phrases.length === 0 &&
    q.excluded.length === 0 &&
    q.authors.length === 0 &&
    q.categories.length === 0 &&
    q.after === null &&
    q.before === null
  );
}

/** Words joined by single spaces with spaces around, so `includes(' a b ')` is a whole-word phrase test. */
function wordText(text: string): string {
  return ` ${words(text).join(' ')} `;
}

function matches(entry: LibraryEntry, q: ParsedQuery): boolean {
  const { paper } = entry;
  if (q.jumpTo !== null) return paper.id === q.jumpTo;
  const text = wordText([paper.id, paper.title, paper.abstract, paper.authors.join(' '), entry.note, entry.tags.join(' ')].join(' '));
  if (!q.terms.every((term) => text.includes(` ${term} `))) return false;
  if (!q.phrases.every((phrase) => text.includes(` ${phrase} `))) return false;
  if (q.excluded.some((ex) => text.includes(` ${ex} `))) return false;
  const authors = paper.authors.map(wordText);
  if (!q.authors.every((a) => authors.some((name) => name.includes(wordText(a))))) return false;
  const categories = paper.categories.map((c) => c.toLowerCase());
  if (!q.categories.every((c) => categories.includes(c.toLowerCase()))) return false;
  const day = paper.publishedAt?.slice(0, 10) ?? null;
  if (q.after !== null && (day === null || day < q.after)) return false;
  if (q.before !== null && (day === null || day >= q.before)) return false;
  return true;
}
