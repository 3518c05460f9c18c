/**
 * Sends one large message through the SMTP transport and kills itself with SIGKILL the instant the transport asks
 * to record the hand-over: the worst moment for a digest sender to die (see digests/worker.ts).
 * Usage: hand-over-sender.ts <smtp-url> <body-lines>
 */
import { SmtpTransport } from '../../src/mail/smtp-transport.js';

const [url, lines] = process.argv.slice(2);
const body = 'All work and no play makes a very long digest, line after line after line.\r\n'.repeat(Number(lines));
const raw = Buffer.from(`Message-ID: <hand-over@paperboy.test>\r\nSubject: A long digest\r\n\r\n${body}`);
const transport = new SmtpTransport(url!, 'news@paperboy.test');
await transport.deliver({ from: 'news@paperboy.test', to: 'reader@example.org', messageId: '<hand-over@paperboy.test>', raw }, () => {
  process.stdout.write(`handing over ${raw.length}\n`);
  process.kill(process.pid, 'SIGKILL');
  return Promise.resolve();
});
