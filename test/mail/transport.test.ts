import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { FileTransport } from '../../src/mail/file-transport.js';
import { SmtpTransport } from '../../src/mail/smtp-transport.js';
import { createMailTransport, isTemporaryMailError, type MailTransport } from '../../src/mail/transport.js';
import { tempDir } from '../helpers/stores.js';

const FROM = 'Paperboy <news@paperboy.test>';

interface Harness {
  readonly transport: MailTransport;
  /** Every message delivered so far, parsed from the raw bytes that arrived. */
  received(): Promise<ParsedMail[]>;
  /** SMTP envelope recipients per message, where the transport has an envelope. */
  envelopes(): string[][] | null;
  close(): Promise<void>;
}

interface SmtpSink {
  readonly port: number;
  readonly messages: { raw: Buffer; to: string[]; user: string | undefined }[];
  /** Reply code to answer the next DATA with, instead of accepting it. */
  rejectNextWith: { code: number; message: string } | null;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that requires AUTH and keeps what it receives. */
async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    messages: [],
    rejectNextWith: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
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
    return {
      transport,
      received: async () => {
        const files = fs.existsSync(transport.directory)
          ? fs
              .readdirSync(transport.directory)
              .filter((f) => f.endsWith('.eml'))
              .sort()
          : [];
        return Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(transport.directory, f)))));
      },
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
      received: () => Promise.all(sink.messages.map((m) => simpleParser(m.raw))),
      envelopes: () => sink.messages.map((m) => m.to),
      close: async () => {
        await transport.close();
        await sink.close();
      },
    };
  },
};

for (const [kind, start] of Object.entries(harnesses)) {
  describe(`mail transport contract [${kind}]`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start();
    });
    afterAll(async () => {
      await h.close();
    });

    it('delivers a plain-text message with sender, recipient, subject and Message-ID', async () => {
      const { messageId } = await h.transport.send({ to: 'reader@example.org', subject: 'Hello', text: 'First line\nSecond line' });
      const mail = (await h.received()).at(-1);
      expect(mail?.from?.value).toEqual([{ name: 'Paperboy', address: 'news@paperboy.test' }]);
      expect(mail?.to && !Array.isArray(mail.to) ? mail.to.text : null).toBe('reader@example.org');
      expect(mail?.subject).toBe('Hello');
      expect(mail?.text?.trim()).toBe('First line\nSecond line');
      expect(mail?.messageId).toBe(messageId);
      expect(h.envelopes()?.at(-1) ?? ['reader@example.org']).toEqual(['reader@example.org']);
    });

    it('sends HTML and text alternatives, extra headers, and non-ASCII text intact', async () => {
      await h.transport.send({
        to: 'zoë@example.org',
        subject: 'Trending papers — Übersicht ✓',
        text: 'Plain: naïve café',
        html: '<p>HTML: <b>naïve</b> café</p>',
        headers: { 'List-Unsubscribe': '<https://paperboy.test/unsubscribe?t=abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      const mail = (await h.received()).at(-1);
      expect(mail?.subject).toBe('Trending papers — Übersicht ✓');
      expect(mail?.text?.trim()).toBe('Plain: naïve café');
      expect(mail?.html).toContain('<b>naïve</b> café');
      const line = (key: string) => mail?.headerLines.find((l) => l.key === key)?.line;
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(line('list-unsubscribe')).toBe('List-Unsubscribe: <https://paperboy.test/unsubscribe?t=abc>');
    });

    it('cannot be tricked into adding headers or recipients through a subject with line breaks', async () => {
      const before = (await h.received()).length;
      await h.transport.send({ to: 'victim@example.org', subject: 'Hi\r\nBcc: attacker@evil.example\r\n\r\nbody', text: 'x' });
      const all = await h.received();
      expect(all.length).toBe(before + 1);
      const mail = all.at(-1);
      expect(mail?.bcc).toBeUndefined();
      expect(mail?.headers.has('bcc')).toBe(false);
      expect(h.envelopes()?.at(-1) ?? ['victim@example.org']).toEqual(['victim@example.org']);
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

  it('reports a 5xx rejection as permanent and a 4xx one as temporary', async () => {
    sink.rejectNextWith = { code: 550, message: 'No such mailbox' };
    const permanent = await transport.send({ to: 'gone@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(Error);
    expect(isTemporaryMailError(permanent)).toBe(false);

    sink.rejectNextWith = { code: 451, message: 'Try again later' };
    const temporary = await transport.send({ to: 'busy@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(isTemporaryMailError(temporary)).toBe(true);
    expect(sink.messages.length).toBe(0);
  });

  it('treats an unreachable server as temporary and never puts the password in its description', async () => {
    const closed = await startSmtpSink();
    await closed.close();
    const dead = new SmtpTransport(`smtp://mailer:s3cret@127.0.0.1:${closed.port}`, FROM);
    const error = await dead.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isTemporaryMailError(error)).toBe(true);
    expect(dead.description).not.toContain('s3cret');
    await dead.close();
  });
});

describe('createMailTransport', () => {
  it('writes files under the data dir when SMTP_URL is unset and uses SMTP when it is set', () => {
    const dir = tempDir('paperboy-mail-config-');
    const fileTransport = createMailTransport(loadConfig({ PAPERBOY_DATA_DIR: dir }));
    expect(fileTransport).toBeInstanceOf(FileTransport);
    expect((fileTransport as FileTransport).directory).toBe(path.join(dir, 'mail'));
    const smtp = createMailTransport(
      loadConfig({ PAPERBOY_DATA_DIR: dir, SMTP_URL: 'smtp://u:p@127.0.0.1:2525', MAIL_FROM: 'News <news@example.org>' }),
    );
    expect(smtp).toBeInstanceOf(SmtpTransport);
    expect(() => loadConfig({ SMTP_URL: 'http://example.org' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
