import nodemailer from 'nodemailer';
import { MailDeliveryError, type MailMessage, type RawMessage } from './transport.js';

/** Builds RFC 5322 bytes for a message; nodemailer encodes and folds every header, so no value can add one. */
export class MessageComposer {
  private readonly composer;

  constructor(
    private readonly from: string,
    newline: 'unix' | 'windows',
  ) {
    this.composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline });
  }

  async compose(message: MailMessage): Promise<RawMessage> {
    const info = await this.composer.sendMail({ from: this.from, ...message });
    const { from, to } = info.envelope;
    if (!from || to.length !== 1) throw new MailDeliveryError(`needs one sender and one recipient (to: "${message.to}")`, false);
    return { from, to: to[0]!, messageId: info.messageId, raw: info.message as Buffer };
  }

  close(): void {
    this.composer.close();
  }
}
