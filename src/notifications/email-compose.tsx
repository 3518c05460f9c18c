import { envelopeAddress } from '../digests/compose.js';
import { buildMime } from '../digests/mime.js';
import type { RawMessage } from '../mail/transport.js';
import { notificationExcerpt, notificationHeadline, notificationPath } from './describe.js';
import type { NotificationItem } from './notifications.repository.js';

export interface NotificationEmailContent {
  readonly email: string;
  readonly username: string;
  readonly items: readonly NotificationItem[];
  readonly publicUrl: string;
  readonly unsubscribeUrl: string;
}

const FONT = "font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;";

export function notificationEmailSubject(items: readonly NotificationItem[]): string {
  return items.length === 1 ? notificationHeadline(items[0]!) : `${items.length} new notifications on Paperboy`;
}

function html(content: NotificationEmailContent): string {
  const page = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{notificationEmailSubject(content.items)}</title>
      </head>
      <body style={`${FONT} margin: 0; padding: 24px; color: #1f2933;`}>
        <p style="margin: 0 0 16px;">Hello {content.username}, here is what happened since we last wrote:</p>
        <ul style="padding-left: 20px; margin: 0 0 24px;">
          {content.items.map((item) => {
            const excerpt = notificationExcerpt(item);
            return (
              <li style="margin: 0 0 12px;">
                <a href={`${content.publicUrl}${notificationPath(item)}`} style="color: #1a56db;">
                  {notificationHeadline(item)}
                </a>
                {excerpt ? <div style="color: #5f6b7a; font-size: 14px;">{excerpt}</div> : null}
              </li>
            );
          })}
        </ul>
        <p style="font-size: 13px; color: #5f6b7a;">
          <a href={`${content.publicUrl}/notifications`} style="color: #1a56db;">
            All your notifications
          </a>{' '}
          · At most one email an hour, sent to {content.email}.{' '}
          <a href={content.unsubscribeUrl} style="color: #1a56db;">
            Stop these emails
          </a>
        </p>
      </body>
    </html>
  );
  return `<!DOCTYPE html>${String(page)}`;
}

function text(content: NotificationEmailContent): string {
  const lines = [`Hello ${content.username}, here is what happened since we last wrote:`, ''];
  for (const item of content.items) {
    lines.push(`- ${notificationHeadline(item)}`);
    const excerpt = notificationExcerpt(item);
    if (excerpt) lines.push(`  ${excerpt}`);
    lines.push(`  ${content.publicUrl}${notificationPath(item)}`, '');
  }
  lines.push(`All your notifications: ${content.publicUrl}/notifications`);
  lines.push(`At most one email an hour, sent to ${content.email}. Stop these emails: ${content.unsubscribeUrl}`);
  return lines.join('\n');
}

/** The complete message, with the RFC 8058 one-click unsubscribe headers and the outbox row's Message-ID. */
export function composeNotificationEmail(input: {
  from: string;
  messageId: string;
  date: Date;
  content: NotificationEmailContent;
}): RawMessage {
  const { content } = input;
  const raw = buildMime({
    from: input.from,
    to: content.email,
    subject: notificationEmailSubject(content.items),
    messageId: input.messageId,
    date: input.date,
    text: text(content),
    html: html(content),
    headers: {
      'List-Unsubscribe': `<${content.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Paperboy notifications <notifications.${new URL(content.publicUrl).hostname}>`,
      'Auto-Submitted': 'auto-generated',
    },
  });
  return { from: envelopeAddress(input.from), to: content.email, messageId: input.messageId, raw };
}
