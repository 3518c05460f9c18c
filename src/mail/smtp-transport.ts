import nodemailer, { type Transporter } from 'nodemailer';
import type { MailMessage, MailTransport } from './transport.js';

/** Sends through an SMTP server given as a URL: smtp://user:pass@host:587 or smtps://host:465. */
export class SmtpTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = nodemailer.createTransport(url);
    const safe = new URL(url);
    safe.username = '';
    safe.password = '';
    this.description = safe.toString();
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail({ from: this.from, ...message });
    return { messageId: info.messageId };
  }

  close(): Promise<void> {
    this.transporter.close();
    return Promise.resolve();
  }
}
