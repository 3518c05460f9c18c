import path from 'node:path';
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
  const directory = path.join(config.dataDir, 'mail', ...(purpose === 'digests' ? ['digests'] : []));
  return new FileTransport(directory, config.mailFrom);
}
