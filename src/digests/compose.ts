import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingDigest } from './delivery/digest-delivery.js';
import { digestHtml } from './render/digest-html.js';
import { digestSubject, type DigestContent } from './render/digest-paper.js';
import { digestText } from './render/digest-text.js';

export function periodLabel(frequency: 'daily' | 'weekly', period: string, from: string): string {
  const day = new Date(`${from}T00:00:00Z`).toLocaleDateString('en-US', { weekday: frequency === 'daily' ? 'short' : undefined, year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  return frequency === 'daily' ? day : `week of ${day} (${period})`;
}

/** Envelope address from a MAIL_FROM value such as `Paperboy <news@example.org>`. */
export function envelopeAddress(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/**
 * The complete MIME message: multipart/alternative (plain text + HTML), the deterministic Message-ID, and the
 * RFC 8058 one-click unsubscribe headers.
 */
export async function composeDigest(input: { from: string; messageId: string; date: Date; content: DigestContent }): Promise<OutgoingDigest> {
  const { content } = input;
  const composer = new MailComposer({
    from: input.from,
    to: content.email,
    subject: digestSubject(content),
    text: digestText(content),
    html: digestHtml(content),
    messageId: input.messageId,
    date: input.date,
    headers: {
      'List-Unsubscribe': `<${content.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Paperboy ${content.frequency} digest <${content.frequency}.digest.${new URL(content.publicUrl).hostname}>`,
      'Auto-Submitted': 'auto-generated',
      Precedence: 'bulk',
    },
  });
  const raw = await new Promise<Buffer>((resolve, reject) => composer.compile().build((error, message) => (error ? reject(error) : resolve(message))));
  return { from: envelopeAddress(input.from), to: content.email, messageId: input.messageId, raw };
}
