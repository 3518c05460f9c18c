import fs from 'node:fs/promises';
import path from 'node:path';
import type { DigestDelivery, OutgoingDigest } from './digest-delivery.js';

/**
 * Without SMTP_URL, digests are written as `.eml` files under <dataDir>/mail/digests, one file per Message-ID.
 * The rename is the hand-over point; because the name derives from the deterministic Message-ID, writing the same
 * digest twice leaves one file.
 */
export class FileDigestDelivery implements DigestDelivery {
  readonly directory: string;
  readonly description: string;

  constructor(dataDir: string) {
    this.directory = path.join(dataDir, 'mail', 'digests');
    this.description = `files in ${this.directory}`;
  }

  async deliver(message: OutgoingDigest, handOver: () => Promise<void>): Promise<void> {
    await fs.mkdir(this.directory, { recursive: true, mode: 0o700 });
    const name = message.messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]+/g, '_');
    const file = path.join(this.directory, `${name}.eml`);
    const pending = `${file}.${process.pid}.tmp`;
    await fs.writeFile(pending, message.raw, { mode: 0o600 });
    try {
      await handOver();
    } catch (error) {
      await fs.rm(pending, { force: true });
      throw error;
    }
    await fs.rename(pending, file);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
