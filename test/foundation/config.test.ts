import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data on 127.0.0.1:3000', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: 'sqlite', path: path.resolve('data/paperboy.db') });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('keeps the keyword index in memory unless told not to', () => {
    expect(loadConfig({}).keywordIndexInMemory).toBe(true);
    expect(loadConfig({ PAPERBOY_KEYWORD_INDEX_IN_MEMORY: 'false' }).keywordIndexInMemory).toBe(false);
  });

  it('scores For you with the centroid unless told to train a model per reader, and names the variable when wrong', () => {
    expect(loadConfig({}).forYouModel).toBe('centroid+nearest');
    expect(loadConfig({ PAPERBOY_FORYOU_MODEL: 'logistic+nearest' }).forYouModel).toBe('logistic+nearest');
    expect(() => loadConfig({ PAPERBOY_FORYOU_MODEL: 'svm' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAPERBOY_FORYOU_MODEL: 'svm' })).toThrow(
      /PAPERBOY_FORYOU_MODEL.*"logistic\+nearest" or "centroid\+nearest" \(got "svm"\)/,
    );
  });

  it('puts the default database inside PAPERBOY_DATA_DIR', () => {
    const config = loadConfig({ PAPERBOY_DATA_DIR: '/srv/paperboy' });
    expect(config.database).toEqual({ kind: 'sqlite', path: '/srv/paperboy/paperboy.db' });
  });

  it('reads sqlite: and postgres:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/pb.db' }).database).toEqual({ kind: 'sqlite', path: '/var/lib/pb.db' });
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/pb' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/pb',
    });
  });

  it('derives PUBLIC_URL from HOST and PORT and strips a trailing slash from an explicit one', () => {
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).publicUrl).toBe('http://0.0.0.0:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://papers.example.org/' }).publicUrl).toBe('https://papers.example.org');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'sqlite:' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'ftp://example.org' }, 'PUBLIC_URL'],
    [{ HOST: 'bad host!' }, 'HOST'],
    [{ PAPERBOY_DEMO: 'maybe' }, 'PAPERBOY_DEMO'],
    [{ PAPERBOY_KEYWORD_INDEX_IN_MEMORY: 'sometimes' }, 'PAPERBOY_KEYWORD_INDEX_IN_MEMORY'],
  ])('rejects %o naming %s', (env, variable) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
  });
});
