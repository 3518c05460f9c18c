import type { Config } from '../config.js';
import { FileTransport } from './file-transport.js';
import { SmtpTransport } from './smtp-transport.js';
import type { MailTransport } from './transport.js';

/**
 * SMTP when SMTP_URL is set, otherwise .eml files under <dataDir>/mail (digests in their own folder below it,
 * named after their Message-ID). A digest worker keeps its SMTP connection open across the batch.
 */
export function createMailTransport(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>,
  purpose: 'account' | 'digests' = 'account',
): MailTransport {
  if (config.smtpUrl) return new SmtpTransport(config.smtpUrl, config.mailFrom, { keepConnection: purpose === 'digests' });
  return new FileTransport(config.dataDir, config.mailFrom, purpose === 'digests' ? 'digests' : undefined);
}
