/** What a digest shows of one paper. */
export interface DigestPaper {
  readonly id: string;
  readonly title: string;
  readonly authors: readonly string[];
  readonly abstract: string;
  readonly upvotes: number;
  readonly codeUrl: string | null;
  readonly stars: number | null;
}

export interface DigestContent {
  readonly email: string;
  readonly frequency: 'daily' | 'weekly';
  /** Human-readable period, e.g. "Tue, Jan 7, 2025" or "week 2025-W02". */
  readonly periodLabel: string;
  readonly topics: string | null;
  readonly papers: readonly DigestPaper[];
  readonly publicUrl: string;
  readonly unsubscribeUrl: string;
}

const EXCERPT = 280;

export function abstractExcerpt(text: string, length = EXCERPT): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= length) return clean;
  const cut = clean.slice(0, length);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), length - 30))}…`;
}

export function authorLine(authors: readonly string[], max = 5): string {
  if (authors.length <= max) return authors.join(', ');
  return `${authors.slice(0, max).join(', ')} et al.`;
}

export function paperUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/papers/${id}`;
}

export function digestSubject(content: Pick<DigestContent, 'frequency' | 'periodLabel' | 'papers' | 'topics'>): string {
  const kind = content.frequency === 'daily' ? 'Daily' : 'Weekly';
  const count = `${content.papers.length} paper${content.papers.length === 1 ? '' : 's'}`;
  return content.topics
    ? `${kind} papers on your topics — ${content.periodLabel} (${count})`
    : `${kind} trending papers — ${content.periodLabel} (${count})`;
}
