import type { Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
}

export interface SinkOptions {
  /** SMTP reply for a recipient, or null to accept it: e.g. 451 (temporary) or 550 (permanent). */
  readonly replyFor?: (recipient: string) => { code: number; message: string } | null;
}

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (random port) that keeps every message it accepted. A message counts once the
 * end-of-data marker arrived; messages whose connection dropped before that are discarded, as real servers do.
 */
export async function startSmtpSink(options: SinkOptions = {}, onMessage?: (mail: ReceivedMail) => void): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const reply = options.replyFor?.(address.address);
      if (reply) {
        const error = Object.assign(new Error(reply.message), { responseCode: reply.code });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        received.push(mail);
        onMessage?.(mail);
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  // Replies to pipelined commands are separate small writes: without TCP_NODELAY each waits for a delayed ACK.
  server.server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The Message-ID header of a raw message. */
export function messageIdOf(raw: Buffer): string {
  const match = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('utf8'));
  if (!match?.[1]) throw new Error('message without a Message-ID');
  return match[1];
}
