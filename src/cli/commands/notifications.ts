import { silentLogger, jsonLogger } from '../../logger.js';
import { NotificationEmailService } from '../../notifications/email-service.js';
import { openMigratedStore } from '../../runtime.js';
import { loadOrCreateSecret } from '../../security/secret.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

export const notificationsSend: Command = {
  name: 'notifications send',
  summary:
    'Plan and send the batched notification emails that are due (at most one an hour per reader); exits 3 when some could not be sent',
  usage: 'paperboy notifications send [--dry-run] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const { config } = ctx;
    const store = await openMigratedStore(config);
    try {
      const logger = values.json || config.logLevel === 'silent' ? silentLogger : jsonLogger((line) => process.stderr.write(line));
      const service = new NotificationEmailService({
        store,
        config,
        secret: loadOrCreateSecret(config.secret, config.dataDir),
        logger,
        now: () => new Date(),
      });
      const dryRun = values['dry-run'] ?? false;
      const summary = await service.send({ dryRun, progress: (line) => ctx.io.err(line) });
      if (values.json) ctx.io.out(JSON.stringify({ dryRun, ...summary }));
      else if (dryRun) ctx.io.out(`Dry run: ${summary.planned} reader${summary.planned === 1 ? '' : 's'} would get a notification email.`);
      else {
        ctx.io.out(
          `planned ${summary.planned}, sent ${summary.sent}, retrying later ${summary.retried}, failed ${summary.failed}, cancelled ${summary.cancelled}` +
            (summary.requeued + summary.presumedSent > 0
              ? ` (from a stopped worker: ${summary.requeued} re-queued, ${summary.presumedSent} recorded as sent)`
              : ''),
        );
      }
      return summary.failed + summary.retried > 0 ? ExitCode.partial : ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
