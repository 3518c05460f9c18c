import type { DigestPaper } from './digest-paper.js';

/** What a For-you digest mail shows: the planned content with each paper's details. */
export interface ForYouDigestView {
  readonly email: string;
  readonly frequency: 'daily' | 'weekly';
  readonly periodLabel: string;
  readonly recommended: readonly { readonly paper: DigestPaper; readonly reason: string }[];
  readonly followed: readonly { readonly paper: DigestPaper; readonly authors: readonly string[] }[];
  /** The For-you page of the period, where the reader rates papers ("more like this" / "less like this"). */
  readonly forYouUrl: string;
  readonly publicUrl: string;
  readonly unsubscribeUrl: string;
}

export const FOLLOWED_SECTION = 'New papers by authors you follow';

export function forYouSubject(view: Pick<ForYouDigestView, 'frequency' | 'periodLabel' | 'recommended' | 'followed'>): string {
  const count = view.recommended.length + view.followed.length;
  return `${view.frequency === 'daily' ? 'Daily' : 'Weekly'} papers for you — ${view.periodLabel} (${count} paper${count === 1 ? '' : 's'})`;
}

export function followedNote(authors: readonly string[]): string {
  return `By ${authors.join(', ')}, ${authors.length === 1 ? 'an author' : 'authors'} you follow.`;
}

export function forYouUrlOf(publicUrl: string, frequency: 'daily' | 'weekly', period: string): string {
  return `${publicUrl}/for-you?${frequency === 'daily' ? 'date' : 'week'}=${encodeURIComponent(period)}`;
}
