import type { MailMessage } from '../../mail/transport.js';

const FONT = "font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;";

/** The one mail an unconfirmed address ever gets. */
export function confirmationMail(input: {
  email: string;
  confirmUrl: string;
  frequency: 'daily' | 'weekly';
  topics: string | null;
}): MailMessage {
  const what = `the ${input.frequency} Paperboy digest${input.topics ? ` on "${input.topics}"` : ' of trending papers'}`;
  const text = [
    `Someone, hopefully you, asked to send ${what} to ${input.email}.`,
    '',
    `Confirm your subscription: ${input.confirmUrl}`,
    '',
    'If it was not you, ignore this mail: nothing will be sent to you.',
    '',
  ].join('\n');
  const html =
    '<!doctype html>' +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="color-scheme" content="light dark" />
          <title>Confirm your subscription</title>
        </head>
        <body style={`${FONT} margin: 0; padding: 24px; font-size: 15px; line-height: 1.5;`}>
          <p>
            Someone, hopefully you, asked to send {what} to {input.email}.
          </p>
          <p>
            <a
              href={input.confirmUrl}
              style="display: inline-block; padding: 10px 16px; border-radius: 6px; background: #1a56db; color: #ffffff; text-decoration: none;"
            >
              Confirm your subscription
            </a>
          </p>
          <p style="font-size: 13px; color: #5f6b7a;">If it was not you, ignore this mail: nothing will be sent to you.</p>
        </body>
      </html>
    ).toString();
  return { to: input.email, subject: 'Confirm your Paperboy subscription', text, html };
}
