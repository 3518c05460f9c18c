import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMailTransport } from '../../src/mail/create-transport.js';
import { FileTransport } from '../../src/mail/file-transport.js';
import { SmtpTransport } from '../../src/mail/smtp-transport.js';
import { isTemporaryMailError, MailDeliveryError, type MailTransport, type RawMessage } from '../../src/mail/transport.js';
import { tempDir } from '../helpers/stores.js';

const FROM = 'Paperboy <news@paperboy.test>';

interface Harness {
  readonly transport: MailTransport;
  /** Every message delivered so far, parsed from the raw bytes that arrived. */
  received(): Promise<ParsedMail[]>;
  /** The raw bytes of every message delivered so far. */
  receivedRaw(): Buffer[];
  /** SMTP envelope recipients per message, where the transport has an envelope. */
  envelopes(): string[][] | null;
  close(): Promise<void>;
}

interface SmtpSink {
  readonly port: number;
  readonly messages: { raw: Buffer; to: string[]; user: string | undefined }[];
  /** Reply code to answer the next DATA with, instead of accepting it. */
  rejectNextWith: { code: number; message: string } | null;
  /** Connections opened so far, and those still open. */
  opened: number;
  open: number;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that requires AUTH and keeps what it receives. */
async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    messages: [],
    rejectNextWith: null,
    opened: 0,
    open: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onConnect(_session, callback) {
      sink.opened += 1;
      sink.open += 1;
      callback();
    },
    onClose() {
      sink.open -= 1;
    },
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret') callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const rejection = sink.rejectNextWith;
        if (rejection) {
          sink.rejectNextWith = null;
          callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
          return;
        }
        sink.messages.push({
          raw: Buffer.concat(chunks),
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (sink as { port: number }).port = (server.server.address() as AddressInfo).port;
  return sink;
}

const harnesses: Record<'file' | 'smtp', () => Promise<Harness>> = {
  file: async () => {
    const dir = tempDir('paperboy-mail-');
    const transport = new FileTransport(dir, FROM);
    const receivedRaw = () =>
      fs.existsSync(transport.directory)
        ? fs
            .readdirSync(transport.directory)
            .filter((f) => f.endsWith('.eml'))
            .sort()
            .map((f) => fs.readFileSync(path.join(transport.directory, f)))
        : [];
    return {
      transport,
      receivedRaw,
      received: () => Promise.all(receivedRaw().map((raw) => simpleParser(raw))),
      envelopes: () => null,
      close: async () => {
        await transport.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  smtp: async () => {
    const sink = await startSmtpSink();
    const transport = new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${sink.port}`, FROM);
    return {
      transport,
      receivedRaw: () => sink.messages.map((m) => m.raw),
      received: () => Promise.all(sink.messages.map((m) => simpleParser(m.raw))),
      envelopes: () => sink.messages.map((m) => m.to),
      close: async () => {
        await transport.close();
        await sink.close();
      },
    };
  },
};

/** A composed message as the digest renderer hands it over: CRLF line ends, a deterministic Message-ID. */
function rawMessage(id: string, to: string): RawMessage {
  const messageId = `<${id}@paperboy.test>`;
  const raw = Buffer.from(
    [
      'From: Paperboy <news@paperboy.test>',
      `To: ${to}`,
      `Subject: Digest ${id}`,
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Papers for ${id}.`,
      '.a line that starts with a dot',
      '',
    ].join('\r\n'),
  );
  return { from: 'news@paperboy.test', to, messageId, raw };
}

for (const [kind, start] of Object.entries(harnesses)) {
  describe(`mail transport contract [${kind}]`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start();
    });
    afterAll(async () => {
      await h.close();
    });

    async function receivedWith(messageId: string): Promise<ParsedMail | undefined> {
      return (await h.received()).find((mail) => mail.messageId === messageId);
    }

    it('delivers a plain-text message with sender, recipient, subject and Message-ID', async () => {
      const { messageId } = await h.transport.send({ to: 'reader@example.org', subject: 'Hello', text: 'First line\nSecond line' });
      const mail = await receivedWith(messageId);
      expect(mail?.from?.value).toEqual([{ name: 'Paperboy', address: 'news@paperboy.test' }]);
      expect(mail?.to && !Array.isArray(mail.to) ? mail.to.text : null).toBe('reader@example.org');
      expect(mail?.subject).toBe('Hello');
      expect(mail?.text?.trim()).toBe('First line\nSecond line');
      expect(h.envelopes()?.at(-1) ?? ['reader@example.org']).toEqual(['reader@example.org']);
    });

    it('sends HTML and text alternatives, extra headers, and non-ASCII text intact', async () => {
      const { messageId } = await h.transport.send({
        to: 'zoë@example.org',
        subject: 'Trending papers — Übersicht ✓',
        text: 'Plain: naïve café',
        html: '<p>HTML: <b>naïve</b> café</p>',
        headers: { 'List-Unsubscribe': '<https://paperboy.test/unsubscribe?t=abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      const mail = await receivedWith(messageId);
      expect(mail?.subject).toBe('Trending papers — Übersicht ✓');
      expect(mail?.text?.trim()).toBe('Plain: naïve café');
      expect(mail?.html).toContain('<b>naïve</b> café');
      const line = (key: string) => mail?.headerLines.find((l) => l.key === key)?.line;
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(line('list-unsubscribe')).toBe('List-Unsubscribe: <https://paperboy.test/unsubscribe?t=abc>');
    });

    it('cannot be tricked into adding headers or recipients through a subject with line breaks', async () => {
      const before = (await h.received()).length;
      const { messageId } = await h.transport.send({
        to: 'victim@example.org',
        subject: 'Hi\r\nBcc: attacker@evil.example\r\n\r\nbody',
        text: 'x',
      });
      expect((await h.received()).length).toBe(before + 1);
      const mail = await receivedWith(messageId);
      expect(mail?.bcc).toBeUndefined();
      expect(mail?.headers.has('bcc')).toBe(false);
      expect(h.envelopes()?.at(-1) ?? ['victim@example.org']).toEqual(['victim@example.org']);
    });

    it('sends messages handed to it at the same time, each once', async () => {
      const before = (await h.received()).length;
      const sent = await Promise.all(
        Array.from({ length: 5 }, (_, i) => h.transport.send({ to: `reader${i}@example.org`, subject: `Message ${i}`, text: `Body ${i}` })),
      );
      const all = await h.received();
      expect(all.length).toBe(before + 5);
      for (const [i, { messageId }] of sent.entries()) {
        expect(all.filter((mail) => mail.messageId === messageId).map((mail) => mail.subject)).toEqual([`Message ${i}`]);
      }
    });

    it('delivers a composed message byte for byte, and hands it over once, before it is complete at the destination', async () => {
      const message = rawMessage('composed-1', 'ada@example.org');
      const seenAtHandOver: boolean[] = [];
      await h.transport.deliver(message, async () => {
        seenAtHandOver.push((await receivedWith(message.messageId)) !== undefined);
      });
      expect(seenAtHandOver).toEqual([false]);
      const raw = h.receivedRaw().find((bytes) => bytes.includes(message.messageId));
      expect(raw?.toString().replace(/\r\n/g, '\n').trimEnd()).toBe(message.raw.toString().replace(/\r\n/g, '\n').trimEnd());
      expect(h.envelopes()?.at(-1) ?? ['ada@example.org']).toEqual(['ada@example.org']);
    });

    it('drops a message whose hand-over fails, passes that error on unchanged, and sends the next one', async () => {
      const refused = rawMessage('composed-refused', 'grace@example.org');
      const failure = new Error('lease lost');
      const error = await h.transport.deliver(refused, () => Promise.reject(failure)).catch((e: unknown) => e);
      expect(error).toBe(failure);
      expect(await receivedWith(refused.messageId)).toBeUndefined();

      const next = rawMessage('composed-next', 'grace@example.org');
      await h.transport.deliver(next, () => Promise.resolve());
      expect((await receivedWith(next.messageId))?.subject).toBe('Digest composed-next');
      expect(await receivedWith(refused.messageId)).toBeUndefined();
    });
  });
}

describe('SMTP transport failures', () => {
  let sink: SmtpSink;
  let transport: SmtpTransport;
  beforeAll(async () => {
    sink = await startSmtpSink();
    transport = new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${sink.port}`, FROM);
  });
  afterEach(() => {
    sink.rejectNextWith = null;
  });
  afterAll(async () => {
    await transport.close();
    await sink.close();
  });

  it('reports a 5xx rejection as permanent and a 4xx one as temporary, for composed and raw messages', async () => {
    sink.rejectNextWith = { code: 550, message: 'No such mailbox' };
    const permanent = await transport.send({ to: 'gone@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(MailDeliveryError);
    expect(isTemporaryMailError(permanent)).toBe(false);

    sink.rejectNextWith = { code: 451, message: 'Try again later' };
    const temporary = await transport.deliver(rawMessage('busy', 'busy@example.org'), () => Promise.resolve()).catch((e: unknown) => e);
    expect(temporary).toBeInstanceOf(MailDeliveryError);
    expect((temporary as MailDeliveryError).temporary).toBe(true);
    expect((temporary as Error).message).toContain('Try again later');
    expect(sink.messages.length).toBe(0);

    // The connection is re-opened after a failed transaction.
    await transport.send({ to: 'back@example.org', subject: 'again', text: 't' });
    expect(sink.messages.map((m) => m.to)).toEqual([['back@example.org']]);
  });

  it('treats an unreachable server as temporary and never puts the password in its description', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const dead = new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${closed.port}`, FROM);
    const error = await dead.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(isTemporaryMailError(error)).toBe(true);
    expect(dead.description).not.toContain('s3cret');
    await dead.close();
  });

  it('reports wrong credentials as permanent', async () => {
    const wrong = new SmtpTransport(`smtp://mailer:wrong@127.0.0.1:${sink.port}`, FROM);
    const error = await wrong.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(isTemporaryMailError(error)).toBe(false);
    await wrong.close();
  });
});

describe('SMTP transport connections', () => {
  const send = (transport: SmtpTransport, i: number) => transport.send({ to: `r${i}@example.org`, subject: `m${i}`, text: 't' });
  const settle = async (sink: SmtpSink) => {
    for (let i = 0; i < 100 && sink.open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('closes the connection once no message is waiting, unless asked to keep it for a batch', async () => {
    const sink = await startSmtpSink();
    const url = `smtp://mailer:s3cret@127.0.0.1:${sink.port}`;
    const occasional = new SmtpTransport(url, FROM);
    for (let i = 0; i < 3; i++) await send(occasional, i);
    await settle(sink);
    expect([sink.opened, sink.open]).toEqual([3, 0]);

    const batch = new SmtpTransport(url, FROM, { keepConnection: true });
    await Promise.all([0, 1, 2, 3].map((i) => send(batch, i)));
    await send(batch, 4);
    expect([sink.opened, sink.open]).toEqual([4, 1]);
    await batch.close();
    await settle(sink);
    expect(sink.open).toBe(0);
    expect(sink.messages).toHaveLength(8);
    await occasional.close();
    await sink.close();
  });
});

describe('createMailTransport', () => {
  it('writes files under the data dir when SMTP_URL is unset and uses SMTP when it is set', async () => {
    const dir = tempDir('paperboy-mail-config-');
    const account = createMailTransport(loadConfig({ PAPERBOY_DATA_DIR: dir }));
    expect(account).toBeInstanceOf(FileTransport);
    expect((account as FileTransport).directory).toBe(path.join(dir, 'mail'));
    const digests = createMailTransport(loadConfig({ PAPERBOY_DATA_DIR: dir }), 'digests');
    expect((digests as FileTransport).directory).toBe(path.join(dir, 'mail', 'digests'));
    const smtp = createMailTransport(
      loadConfig({ PAPERBOY_DATA_DIR: dir, SMTP_URL: 'smtp://u:p@127.0.0.1:2525', MAIL_FROM: 'News <news@example.org>' }),
    );
    expect(smtp).toBeInstanceOf(SmtpTransport);
    expect(smtp.description).toBe('smtp://127.0.0.1:2525');
    await Promise.all([account.close(), digests.close(), smtp.close()]);
    expect(() => loadConfig({ SMTP_URL: 'http://example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
