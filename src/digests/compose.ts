import type { RawMessage } from '../mail/transport.js';
import { buildMime } from './mime.js';
import { digestHtml } from './render/digest-html.js';
import { digestSubject, type DigestContent } from './render/digest-paper.js';
import { digestText } from './render/digest-text.js';
import { forYouSubject, type ForYouDigestView } from './render/foryou-digest.js';
import { forYouDigestHtml } from './render/foryou-digest-html.js';
import { forYouDigestText } from './render/foryou-digest-text.js';

export function periodLabel(frequency: 'daily' | 'weekly', period: string, from: string): string {
  const day = new Date(`${from}T00:00:00Z`).toLocaleDateString('en-US', {
    weekday: frequency === 'daily' ? 'short' : undefined,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return frequency === 'daily' ? day : `week of ${day} (${period})`;
}

/** Envelope address from a MAIL_FROM value such as `Paperboy <news@example.org>`. */
export function envelopeAddress(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// Placeholders for the two per-recipient values, so subscribers who get the same papers share one rendering.
const EMAIL_MARK = '\u0001EMAIL\u0001';
const UNSUBSCRIBE_MARK = 'https://unsubscribe.invalid/\u0001TOKEN\u0001';

/**
 * Renders digests, reusing the HTML and text of an identical paper list (all plain subscribers of a period get
 * the same top papers, only the address and unsubscribe link differ). Keeps the last few renderings.
 */
export class DigestRenderer {
  private readonly cache = new Map<string, { html: string; text: string; subject: string }>();

  render(content: DigestContent): { html: string; text: string; subject: string } {
    const key = JSON.stringify([
      content.frequency,
      content.periodLabel,
      content.topics,
      content.publicUrl,
      content.papers.map((p) => [p.id, p.upvotes, p.stars]),
    ]);
    let template = this.cache.get(key);
    if (!template) {
      const generic = { ...content, email: EMAIL_MARK, unsubscribeUrl: UNSUBSCRIBE_MARK };
      template = { html: digestHtml(generic), text: digestText(generic), subject: digestSubject(content) };
      if (this.cache.size >= 256) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, template);
    }
    const html = template.html
      .split(EMAIL_MARK)
      .join(escapeHtml(content.email))
      .split(escapeHtml(UNSUBSCRIBE_MARK))
      .join(escapeHtml(content.unsubscribeUrl));
    const text = template.text.split(EMAIL_MARK).join(content.email).split(UNSUBSCRIBE_MARK).join(content.unsubscribeUrl);
    return { html, text, subject: template.subject };
  }
}

/**
 * The complete MIME message: multipart/alternative (plain text + HTML), the deterministic Message-ID, and the
 * RFC 8058 one-click unsubscribe headers.
 */
export function composeDigest(input: {
  from: string;
  messageId: string;
  date: Date;
  content: DigestContent;
  renderer?: DigestRenderer;
}): RawMessage {
  const { content } = input;
  const rendered = (input.renderer ?? new DigestRenderer()).render(content);
  const raw = buildMime({
    from: input.from,
    to: content.email,
    subject: rendered.subject,
    messageId: input.messageId,
    date: input.date,
    text: rendered.text,
    html: rendered.html,
    headers: {
      'List-Unsubscribe': `<${content.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Paperboy ${content.frequency} digest <${content.frequency}.digest.${new URL(content.publicUrl).hostname}>`,
      'Auto-Submitted': 'auto-generated',
      Precedence: 'bulk',
    },
  });
  return { from: envelopeAddress(input.from), to: content.email, messageId: input.messageId, raw };
}

/** A For-you digest's MIME message: the same envelope and headers as the trending digest, its own body. */
export function composeForYouDigest(input: { from: string; messageId: string; date: Date; view: ForYouDigestView }): RawMessage {
  const { view } = input;
  const raw = buildMime({
    from: input.from,
    to: view.email,
    subject: forYouSubject(view),
    messageId: input.messageId,
    date: input.date,
    text: forYouDigestText(view),
    html: forYouDigestHtml(view),
    headers: {
      'List-Unsubscribe': `<${view.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Paperboy ${view.frequency} For-you digest <foryou.${view.frequency}.digest.${new URL(view.publicUrl).hostname}>`,
      'Auto-Submitted': 'auto-generated',
      Precedence: 'bulk',
    },
  });
  return { from: envelopeAddress(input.from), to: view.email, messageId: input.messageId, raw };
}
