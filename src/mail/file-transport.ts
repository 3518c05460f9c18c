import fs from 'node:fs/promises';
import path from 'node:path';
import { MessageComposer } from './compose.js';
import type { MailMessage, MailTransport, RawMessage } from './transport.js';

/**
 * Writes each message as an RFC 5322 `.eml` file under <dataDir>/mail (or a folder below it): the default when no
 * SMTP server is configured, and any mail client opens these files. Composed messages are named after their Message-ID, so writing the same
 * one twice leaves one file; the others are named so that a directory listing is in sending order.
 */
export class FileTransport implements MailTransport {
  readonly directory: string;
  readonly description: string;
  private readonly composer: MessageComposer;

  constructor(dataDir: string, from: string, folder?: 'digests' | 'notifications') {
    this.directory = path.join(dataDir, 'mail', ...(folder ? [folder] : []));
    this.description = `files in ${this.directory}`;
    this.composer = new MessageComposer(from, 'unix');
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const composed = await this.composer.compose(message);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await this.write(`${stamp}-${fileNamePart(composed.messageId)}.eml`, composed.raw, () => Promise.resolve());
    return { messageId: composed.messageId };
  }

  deliver(message: RawMessage, handOver: () => Promise<void>): Promise<void> {
    return this.write(`${fileNamePart(message.messageId)}.eml`, message.raw, handOver);
  }

  /** Written aside, then renamed: a reader never sees half a message, and the rename is the hand-over point. */
  private async write(name: string, raw: Buffer, handOver: () => Promise<void>): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
    const file = path.join(this.directory, name);
    const pending = `${file}.${process.pid}.tmp`;
    await fs.writeFile(pending, raw, { mode: 0o600 });
    try {
      await handOver();
    } catch (error) {
      await fs.rm(pending, { force: true });
      throw error;
    }
    await fs.rename(pending, file);
  }

  close(): Promise<void> {
    this.composer.close();
    return Promise.resolve();
  }
}

function fileNamePart(messageId: string): string {
  return messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]+/g, '_');
}
