import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/project-root.js';

/** What a minimal SMTP server saw of one message: the bytes after its 354 reply, until the client went away. */
interface DataSeen {
  readonly bytes: Buffer;
}

/**
 * A plain SMTP server that answers every command with success and, once it has said 354, reads nothing for a while,
 * as a busy server does: the sender's kernel buffers fill up and the rest of the body waits inside the sender.
 */
function startSlowSmtpServer(stallMs: number): Promise<{ url: string; seen: Promise<DataSeen>; close(): void }> {
  let report: (seen: DataSeen) => void = () => undefined;
  const seen = new Promise<DataSeen>((resolve) => (report = resolve));
  const server = net.createServer((socket) => {
    let commands = '';
    let data: Buffer[] | null = null;
    socket.write('220 slow.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      if (data) return void data.push(chunk);
      commands += chunk.toString('latin1');
      let end: number;
      while ((end = commands.indexOf('\r\n')) >= 0) {
        const command = commands.slice(0, end).toUpperCase();
        commands = commands.slice(end + 2);
        if (command === 'DATA') {
          data = [Buffer.from(commands, 'latin1')];
          socket.write('354 go ahead\r\n');
          socket.pause();
          setTimeout(() => socket.resume(), stallMs);
          return;
        }
        socket.write(command.startsWith('QUIT') ? '221 bye\r\n' : '250 ok\r\n');
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => report({ bytes: Buffer.concat(data ?? []) }));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ url: `smtp://127.0.0.1:${port}`, seen, close: () => server.close() });
    }),
  );
}

describe('the SMTP hand-over', () => {
  let server: Awaited<ReturnType<typeof startSlowSmtpServer>>;
  beforeAll(async () => {
    server = await startSlowSmtpServer(500);
  });
  afterAll(() => server?.close());

  it('comes only once the whole body has left the sender, so a sender killed right then has sent all but the end marker', async () => {
    // 24 MB: more than the kernel holds for a connection whose reader has stalled.
    const lines = 320_000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot(), 'test/mail/hand-over-sender.ts'), server.url, String(lines)],
      {
        cwd: projectRoot(),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    expect(exit).toBe('SIGKILL');
    const handed = /^handing over (\d+)$/m.exec(stdout);
    expect(handed).not.toBeNull();

    const { bytes } = await server.seen;
    // The body has no dots or bare line feeds to escape, so it arrives byte for byte: all of it, and no end marker.
    expect(bytes.length).toBe(Number(handed![1]));
    expect(bytes.subarray(-5).toString('latin1')).not.toBe('\r\n.\r\n');
  });
});
