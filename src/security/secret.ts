import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from './tokens.js';

export const SECRET_FILE_NAME = 'secret.key';

/**
 * The key for sessions and signed tokens: PAPERBOY_SECRET when configured, otherwise a random key generated on
 * first start and kept in the data dir, readable by the owner only. Several processes may start at once; one
 * of them wins and the others read its key.
 */
export function loadOrCreateSecret(configured: string | undefined, dataDir: string): string {
  if (configured !== undefined) return configured;
  const file = path.join(dataDir, SECRET_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    // Written aside and hard-linked into place, so nobody ever reads a half-written key.
    const pending = `${file}.${process.pid}.${randomToken(6)}`;
    fs.writeFileSync(pending, `${randomToken(48)}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(pending, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(pending);
    }
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`The secret file ${file} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`);
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`The secret file ${file} is too short; delete it to generate a new one.`);
  return secret;
}
