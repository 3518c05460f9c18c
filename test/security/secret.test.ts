import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loadOrCreateSecret, SECRET_FILE_NAME } from '../../src/security/secret.js';
import { tempDir } from '../helpers/stores.js';

describe('PAPERBOY_SECRET', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = tempDir('paperboy-secret-');
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('generates a key on first start, readable by the owner only (mode 0600), and reuses it afterwards', () => {
    const dataDir = path.join(dir(), 'nested', 'data');
    const first = loadOrCreateSecret(undefined, dataDir);
    const file = path.join(dataDir, SECRET_FILE_NAME);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.length).toBeGreaterThanOrEqual(64);
    expect(loadOrCreateSecret(undefined, dataDir)).toBe(first);
    expect(fs.readdirSync(dataDir)).toEqual([SECRET_FILE_NAME]);
    expect(loadOrCreateSecret(undefined, dir())).not.toBe(first);
  });

  it('refuses a key file other users can read', () => {
    const dataDir = dir();
    loadOrCreateSecret(undefined, dataDir);
    fs.chmodSync(path.join(dataDir, SECRET_FILE_NAME), 0o644);
    expect(() => loadOrCreateSecret(undefined, dataDir)).toThrow(/readable by other users/);
  });

  it('uses PAPERBOY_SECRET when set, without writing a file, and rejects short ones', () => {
    const dataDir = dir();
    const secret = 'a'.repeat(40);
    const config = loadConfig({ PAPERBOY_DATA_DIR: dataDir, PAPERBOY_SECRET: secret });
    expect(loadOrCreateSecret(config.secret, dataDir)).toBe(secret);
    expect(fs.existsSync(path.join(dataDir, SECRET_FILE_NAME))).toBe(false);
    expect(() => loadConfig({ PAPERBOY_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAPERBOY_SECRET: 'short' })).toThrow(/PAPERBOY_SECRET/);
  });
});
