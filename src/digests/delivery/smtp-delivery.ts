import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { isTemporaryMailError } from '../../mail/transport.js';
import { DeliveryError, type DigestDelivery, type OutgoingDigest } from './digest-delivery.js';

/**
 * The message body, then — only once the body has been taken by the connection — `handOver`, then the end of the
 * stream, which makes nodemailer write the SMTP end-of-data marker (CRLF.CRLF). Nothing between a completed
 * `handOver` and that marker waits on the network.
 */
class HandOverStream extends Readable {
  private stage: 'body' | 'handing' | 'done' = 'body';

  constructor(
    private readonly raw: Buffer,
    private readonly handOver: () => Promise<void>,
  ) {
    super();
  }

  override _read(): void {
    if (this.stage === 'body') {
      this.stage = 'handing';
      this.push(this.raw);
      return;
    }
    if (this.stage !== 'handing') return;
    this.stage = 'done';
    this.handOver().then(
      () => this.push(null),
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }
}

type ConnectionOptions = ConstructorParameters<typeof SMTPConnection>[0];

/** One persistent SMTP connection (SMTP_URL), reused across digests, re-opened after any error. */
export class SmtpDigestDelivery implements DigestDelivery {
  readonly description: string;
  private connection: SMTPConnection | null = null;
  private readonly options: ConnectionOptions;
  private readonly auth: { user: string; pass: string } | null;

  constructor(url: string) {
    const parsed = parseConnectionUrl(url) as ConnectionOptions & { auth?: { user?: string; pass?: string } };
    const { auth, ...options } = parsed;
    this.options = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000, ...options };
    this.auth = auth?.user ? { user: auth.user, pass: auth.pass ?? '' } : null;
    const safe = new URL(url);
    safe.username = '';
    safe.password = '';
    this.description = safe.toString();
  }

  private async open(): Promise<SMTPConnection> {
    if (this.connection) return this.connection;
    const connection = new SMTPConnection(this.options);
    connection.on('error', () => undefined); // reported through the callbacks below
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.connect(() => {
        connection.removeListener('error', reject);
        resolve();
      });
    });
    if (this.auth) {
      await new Promise<void>((resolve, reject) => connection.login(this.auth!, (error) => (error ? reject(error) : resolve())));
    }
    connection.once('end', () => {
      if (this.connection === connection) this.connection = null;
    });
    this.connection = connection;
    return connection;
  }

  async deliver(message: OutgoingDigest, handOver: () => Promise<void>): Promise<void> {
    let connection: SMTPConnection;
    try {
      connection = await this.open();
    } catch (error) {
      throw new DeliveryError(`cannot reach the SMTP server: ${describe(error)}`, isTemporaryMailError(error), { cause: error });
    }
    try {
      await new Promise<void>((resolve, reject) => {
        connection.send({ from: message.from, to: [message.to] }, new HandOverStream(message.raw, handOver), (error) =>
          error ? reject(error) : resolve(),
        );
      });
    } catch (error) {
      // After a failure mid-transaction the connection state is unknown: start afresh for the next digest.
      this.drop(connection);
      const cause = (error as { cause?: unknown } | null)?.cause;
      if (cause instanceof DeliveryError) throw cause;
      throw new DeliveryError(describe(error), isTemporaryMailError(error), { cause: error });
    }
  }

  private drop(connection: SMTPConnection): void {
    if (this.connection === connection) this.connection = null;
    connection.close();
  }

  close(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        connection.close();
        resolve();
      }, 2000);
      connection.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      connection.quit();
    });
  }
}

function describe(error: unknown): string {
  const e = error as { response?: string; message?: string } | null;
  return (e?.response ?? e?.message ?? String(error)).slice(0, 500);
}
