import type { Config } from '../config.js';
import { FileTransport } from './file-transport.js';
import { SmtpTransport } from './smtp-transport.js';
import type { MailTransport } from './transport.js';

/**
 * SMTP when SMTP_URL is set, otherwise .eml files under <dataDir>/mail (digests and notification emails
 * in their own folders below it, named after their Message-ID). Their workers keep the SMTP connection open across a batch.
 */
export function createMailTransport(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>,
  purpose: 'account' | 'digests' | 'notifications' = 'account',
): MailTransport {
  const batch = purpose !== 'account';
  if (config.smtpUrl) return new SmtpTransport(config.smtpUrl, config.mailFrom, { keepConnection: batch });
  return new FileTransport(config.dataDir, config.mailFrom, batch ? purpose : undefined);
}
