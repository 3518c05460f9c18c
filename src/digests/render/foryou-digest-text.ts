import { abstractExcerpt, authorLine, paperUrl, type DigestPaper } from './digest-paper.js';
import { FOLLOWED_SECTION, followedNote, type ForYouDigestView } from './foryou-digest.js';

function paperLines(lines: string[], index: number, paper: DigestPaper, note: string, publicUrl: string): void {
  lines.push(`${index + 1}. ${paper.title}`);
  lines.push(`   Why: ${note}`);
  if (paper.authors.length > 0) lines.push(`   ${authorLine(paper.authors)}`);
  lines.push(`   ${abstractExcerpt(paper.abstract)}`);
  lines.push(`   Read: ${paperUrl(publicUrl, paper.id)}`);
  lines.push('');
}

/** The plain-text part of a For-you digest. */
export function forYouDigestText(view: ForYouDigestView): string {
  const lines: string[] = [`Papers for you — ${view.periodLabel}`, ''];
  if (view.followed.length > 0) {
    lines.push(FOLLOWED_SECTION, '');
    view.followed.forEach(({ paper, authors }, i) => paperLines(lines, i, paper, followedNote(authors), view.publicUrl));
  }
  if (view.recommended.length > 0) {
    if (view.followed.length > 0) lines.push('Recommended for you', '');
    view.recommended.forEach(({ paper, reason }, i) => paperLines(lines, i, paper, reason, view.publicUrl));
  }
  lines.push(`Rate these papers ("more like this" / "less like this") on your For-you page: ${view.forYouUrl}`, '');
  lines.push('—', `You receive this ${view.frequency} For-you digest at ${view.email} because you subscribed on ${view.publicUrl}.`);
  lines.push(`Unsubscribe with one click: ${view.unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}
