import { abstractExcerpt, authorLine, paperUrl, type DigestContent } from './digest-paper.js';

/** The plain-text part: readable as is, every link on its own line. */
export function digestText(content: DigestContent): string {
  const lines: string[] = [];
  lines.push(
    content.topics ? `Papers matching "${content.topics}" — ${content.periodLabel}` : `Trending papers — ${content.periodLabel}`,
    '',
  );
  content.papers.forEach((paper, index) => {
    lines.push(`${index + 1}. ${paper.title}`);
    if (paper.authors.length > 0) lines.push(`   ${authorLine(paper.authors)}`);
    lines.push(`   ▲ ${paper.upvotes} upvote${paper.upvotes === 1 ? '' : 's'}`);
    lines.push(`   ${abstractExcerpt(paper.abstract)}`);
    lines.push(`   Read: ${paperUrl(content.publicUrl, paper.id)}`);
    if (paper.codeUrl) lines.push(`   Code: ${paper.codeUrl}${paper.stars !== null ? ` (★ ${paper.stars})` : ''}`);
    lines.push('');
  });
  lines.push('—', `You receive this ${content.frequency} digest at ${content.email} because you subscribed on ${content.publicUrl}.`);
  lines.push(`Unsubscribe with one click: ${content.unsubscribeUrl}`);
  return `${lines.join('\n')}\n`;
}
