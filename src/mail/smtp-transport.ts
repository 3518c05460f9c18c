import { Duplex, Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { MessageComposer } from './compose.js';
import { isTemporaryMailError, MailDeliveryError, type MailMessage, type MailTransport, type RawMessage } from './transport.js';

/*
 * The one module that talks SMTP. It drives nodemailer's SMTP client (SMTPConnection) itself rather than going
 * through `sendMail`, because digests need a point the high-level API does not expose: `sendMail` starts reading
 * the message body before the server has even answered MAIL FROM, while the outbox must record its hand-over only
 * once the body has left the process and right before the end-of-data marker (see digests/worker.ts).
 */

/** How often to look again whether the body has left the process, while the server is slow to read it. */
const WRITTEN_POLL_MS = 2;

/**
 * The message body, then — only once every byte of it has left the process — `handOver`, then the end of the stream,
 * which makes the connection write the SMTP end-of-data marker (CRLF.CRLF). Nothing between a completed `handOver`
 * and that marker waits on the network: the bytes before it are already with the kernel, which delivers them even
 * if this process is killed, so a sender killed after the hand-over leaves the server one marker short at worst.
 */
class HandOverStream extends Readable {
  private stage: 'body' | 'handing' | 'done' = 'body';
  private destination: Duplex | null = null;

  /** `unsent(destination)`: bytes the connection still holds, given the stream this body is piped into. */
  constructor(
    private readonly raw: Buffer,
    private readonly handOver: () => Promise<void>,
    private readonly unsent: (destination: Duplex | null) => number,
  ) {
    super();
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    // The connection pipes the body through its dot-stuffing stream, which then holds what the socket has not taken.
    if (destination instanceof Duplex) this.destination = destination;
    return super.pipe(destination, options);
  }

  override _read(): void {
    if (this.stage === 'body') {
      this.stage = 'handing';
      this.push(this.raw);
      return;
    }
    if (this.stage !== 'handing') return;
    this.stage = 'done';
    this.untilWritten()
      .then(() => this.handOver())
      .then(
        () => this.push(null),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
  }

  private async untilWritten(): Promise<void> {
    // Read asks for more before it passes on what it took: the body may still be in this stream's own buffer.
    while (this.readableLength + this.unsent(this.destination) > 0) await delay(WRITTEN_POLL_MS);
  }
}

type ConnectionOptions = NonNullable<ConstructorParameters<typeof SMTPConnection>[0]>;

/** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465 (TLS from the start). */
function connectionOptions(url: URL): ConnectionOptions {
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
  };
}

export interface SmtpTransportOptions {
  /**
   * Keep the connection open between messages (a digest worker sending a batch). Otherwise it is closed once no
   * message is waiting, so occasional account mail never finds a connection the server has quietly dropped.
   */
  readonly keepConnection?: boolean;
}

/**
 * Sends through the SMTP server of SMTP_URL over one connection, opened on demand and re-opened after any error.
 * Messages go one at a time; a digest worker runs one transport per parallel connection.
 */
export class SmtpTransport implements MailTransport {
  readonly description: string;
  private readonly options: ConnectionOptions;
  private readonly auth: { user: string; pass: string } | null;
  private readonly composer: MessageComposer;
  private readonly keepConnection: boolean;
  private connection: SMTPConnection | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(url: string, from: string, options: SmtpTransportOptions = {}) {
    this.keepConnection = options.keepConnection ?? false;
    const parsed = new URL(url);
    this.options = connectionOptions(parsed);
    this.auth = parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : null;
    this.composer = new MessageComposer(from, 'windows');
    const safe = new URL(url);
    safe.username = '';
    safe.password = '';
    this.description = safe.toString();
  }

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const composed = await this.composer.compose(message);
    await this.deliver(composed, () => Promise.resolve());
    return { messageId: composed.messageId };
  }

  deliver(message: RawMessage, handOver: () => Promise<void>): Promise<void> {
    this.waiting += 1;
    const turn = this.queue
      .then(() => this.transact(message, handOver))
      .finally(() => {
        this.waiting -= 1;
        if (this.waiting === 0 && !this.keepConnection) void this.quit();
      });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async transact(message: RawMessage, handOver: () => Promise<void>): Promise<void> {
    let connection: SMTPConnection;
    try {
      connection = await this.open();
    } catch (error) {
      throw new MailDeliveryError(`cannot reach the SMTP server: ${describe(error)}`, isTemporaryMailError(error), { cause: error });
    }
    const handing: { failed: boolean; error?: unknown } = { failed: false };
    const guardedHandOver = () =>
      handOver().catch((error: unknown) => {
        Object.assign(handing, { failed: true, error });
        throw error;
      });
    try {
      await new Promise<void>((resolve, reject) => {
        const body = new HandOverStream(message.raw, guardedHandOver, (destination) => unsentBytes(connection, destination));
        connection.send({ from: message.from, to: [message.to] }, body, (error) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      // After a failure mid-transaction the connection state is unknown: start afresh for the next message.
      this.drop(connection);
      if (handing.failed) throw handing.error;
      throw new MailDeliveryError(describe(error), isTemporaryMailError(error), { cause: error });
    }
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
      const auth = this.auth;
      await new Promise<void>((resolve, reject) => connection.login(auth, (error) => (error ? reject(error) : resolve()))).catch(
        (error: unknown) => {
          connection.close();
          throw error;
        },
      );
    }
    connection.once('end', () => {
      if (this.connection === connection) this.connection = null;
    });
    this.connection = connection;
    return connection;
  }

  private drop(connection: SMTPConnection): void {
    if (this.connection === connection) this.connection = null;
    connection.close();
  }

  async close(): Promise<void> {
    await this.queue;
    this.composer.close();
    await this.quit();
  }

  /** Says QUIT and waits (at most two seconds) for the server to close the connection. */
  private async quit(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    await new Promise<void>((resolve) => {
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

/** Bytes of the message still inside this process: in the dot-stuffing stream or queued on the socket. */
function unsentBytes(connection: SMTPConnection, dataStream: Duplex | null): number {
  const socket = connection._socket;
  return (dataStream ? dataStream.writableLength + dataStream.readableLength : 0) + (socket ? socket.writableLength : 0);
}

function describe(error: unknown): string {
  const e = error as { response?: string; message?: string } | null;
  return (e?.response ?? e?.message ?? String(error)).slice(0, 500);
}
