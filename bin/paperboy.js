#!/usr/bin/env node
// Runs the built CLI; `npm ci` builds it (the prepare script), `npm run build` rebuilds it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('Paperboy is not built yet: run `npm run build` in its directory.\n');
  process.exit(1);
}
await import(entry.href);
