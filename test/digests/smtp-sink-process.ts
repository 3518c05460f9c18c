/**
 * The SMTP sink as its own process, for tests that kill the sender: it reports its URL, then one line per
 * accepted message (the Message-ID and recipient), on stdout.
 */
import { messageIdOf, startSmtpSink } from './smtp-sink.js';

const sink = await startSmtpSink({}, (mail) => {
  process.stdout.write(`${JSON.stringify({ type: 'mail', messageId: messageIdOf(mail.raw), to: mail.to })}\n`);
});
process.stdout.write(`${JSON.stringify({ type: 'ready', url: sink.url })}\n`);
process.on('SIGTERM', () => {
  void sink.close().then(() => process.exit(0));
});
