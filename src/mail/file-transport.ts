import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage, MailTransport } from './transport.js';

/**
 * Writes each message as an RFC 5322 `.eml` file under <dataDir>/mail, named so that a directory listing is
 * in sending order. The default when no SMTP server is configured: any mail client opens these files.
 */
export class FileTransport implements MailTransport {
  readonly directory: string;
  readonly description: string;
  private readonly composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    dataDir: string,
    private readonly from: string,
  ) {
    this.directory = path.join(dataDir, 'mail');
    this.description = `files in ${this.directory}`;
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const info = await this.composer.sendMail({ from: this.from, ...message });
    const raw = info.message as Buffer;
    await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const local = info.messageId.replace(/^<|>$/g, '').replace(/[^\w.-]+/g, '_');
    const file = path.join(this.directory, `${stamp}-${local}.eml`);
    // Written aside then renamed, so a reader never sees half a message.
    await fs.writeFile(`${file}.tmp`, raw, { mode: 0o600 });
    await fs.rename(`${file}.tmp`, file);
    return { messageId: info.messageId };
  }

  close(): Promise<void> {
    this.composer.close();
    return Promise.resolve();
  }
}
