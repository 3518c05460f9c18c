import type { Config } from '../config.js';
import { FileTransport } from './file-transport.js';
import { SmtpTransport } from './smtp-transport.js';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where outgoing mail goes. Every implementation sends from the configured MAIL_FROM. */
export interface MailTransport {
  /** Human-readable destination without credentials, for logs. */
  readonly description: string;
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** SMTP when SMTP_URL is set, otherwise .eml files under <dataDir>/mail. */
export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>): MailTransport {
  return config.smtpUrl ? new SmtpTransport(config.smtpUrl, config.mailFrom) : new FileTransport(config.dataDir, config.mailFrom);
}

/**
 * Whether sending may succeed if tried again later: SMTP 4xx replies and network failures are temporary,
 * 5xx replies (unknown mailbox, rejected content) are permanent.
 */
export function isTemporaryMailError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  if (typeof code === 'number') return code < 500;
  return true;
}
