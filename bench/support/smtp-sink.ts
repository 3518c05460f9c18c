/**
 * A local SMTP sink for the digest benchmark, run as its own process: it accepts every message and reports, on
 * stdout, its URL and then one line per accepted message with its Message-ID.
 */
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      if (head.length < 4096) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '(none)';
      process.stdout.write(`${id}\n`);
      callback();
    });
  },
});
// Replies to pipelined commands are separate small writes: without TCP_NODELAY each waits for a delayed ACK.
server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`READY smtp://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
