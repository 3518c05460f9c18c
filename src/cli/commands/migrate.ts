import { openStore } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { ExitCode, parseCommandArgs, type Command } from '../command.js';

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (also done on every start)',
  usage: 'paperboy migrate',
  async run(ctx) {
    parseCommandArgs(ctx.argv, {});
    const store = openStore(ctx.config.database);
    try {
      const { applied } = await migrateToLatest(store);
      ctx.io.out(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
