import { silentLogger, jsonLogger } from '../../logger.js';
import { isIsoDay, latestCompletePeriod, periodContaining, type Period } from '../../feed/period.js';
import type { Frequency } from '../../digests/digests.table.js';
import { normaliseEmail, SubscriptionInputError } from '../../digests/subscription.js';
import { buildDeps, openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, UsageError, type Command } from '../command.js';

function parseFrequencyFlag(raw: string | undefined): Frequency {
  if (raw === undefined || raw === 'daily' || raw === 'weekly') return raw ?? 'daily';
  throw new UsageError(`--frequency must be daily or weekly (got "${raw}")`);
}

export const digestSend: Command = {
  name: 'digest send',
  summary:
    'Plan the digests of a period and send them (default: the latest complete daily period); exits 3 when some subscriber got no digest',
  usage: 'paperboy digest send [--frequency daily|weekly] [--date YYYY-MM-DD] [--dry-run] [--to address] [--json]',
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(ctx.argv, {
      frequency: { type: 'string' },
      date: { type: 'string' },
      'dry-run': { type: 'boolean' },
      to: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
    const frequency = parseFrequencyFlag(values.frequency);
    if (values.date !== undefined && !isIsoDay(values.date)) throw new UsageError(`--date must be a day YYYY-MM-DD (got "${values.date}")`);
    let email: string | undefined;
    try {
      email = values.to === undefined ? undefined : normaliseEmail(values.to);
    } catch (error) {
      if (error instanceof SubscriptionInputError) throw new UsageError(`--to: ${error.message}`);
      throw error;
    }
    const { config } = ctx;
    const store = await openMigratedStore(config);
    try {
      const deps = await buildDeps(
        config,
        store,
        values.json || config.logLevel === 'silent' ? silentLogger : jsonLogger((line) => process.stderr.write(line)),
      );
      const period: Period = values.date
        ? periodContaining(frequency, values.date)
        : latestCompletePeriod(frequency, deps.now(), config.digests.timeZone, config.digests.sendTime);
      if (email) {
        const subscriber = await store.db.selectFrom('subscriptions').select('status').where('email', '=', email).executeTakeFirst();
        if (subscriber?.status !== 'confirmed') {
          ctx.io.err(`${email} is not a confirmed subscriber: digests only go to confirmed addresses.`);
          return ExitCode.failure;
        }
      }
      const topicSubscribers = await store.db
        .selectFrom('subscriptions')
        .select('id')
        .where('status', '=', 'confirmed')
        .where('topics', 'is not', null)
        .limit(1)
        .execute();
      if (topicSubscribers.length > 0) await deps.search.whenReady();
      const plan = await deps.digests.plan(period, { dryRun: values['dry-run'] ?? false, email });
      // Subscribers whose digest could not be planned are named on stderr; the others are still planned and sent.
      for (const failure of plan.failures) {
        ctx.io.err(
          `no digest for subscriber #${failure.subscriptionId} (${failure.email}): their saved search "${failure.topics}" could not be run: ${failure.reason}`,
        );
      }
      const unplanned = plan.failures.length > 0;
      if (values['dry-run']) {
        if (values.json) ctx.io.out(JSON.stringify(plan));
        else {
          ctx.io.out(
            `${frequency} digest for ${period.key} (${period.from} … ${period.to}): ${plan.planned} would be planned, ${plan.alreadyPlanned} already planned, ${plan.empty} with nothing new` +
              (unplanned ? `, ${plan.failures.length} could not be planned.` : '.'),
          );
          for (const digest of plan.digests) ctx.io.out(`  ${digest.email}: ${digest.paperIds.join(', ')}`);
        }
        return unplanned ? ExitCode.partial : ExitCode.ok;
      }
      const sent = await deps.digests.send({ frequency, period: period.key, email });
      const result = {
        frequency,
        period: period.key,
        subscribers: plan.subscribers,
        planned: plan.planned,
        alreadyPlanned: plan.alreadyPlanned,
        empty: plan.empty,
        topicErrors: plan.topicErrors,
        failures: plan.failures,
        ...sent,
      };
      if (values.json) ctx.io.out(JSON.stringify(result));
      else {
        ctx.io.out(
          `${frequency} digest for ${period.key}: planned ${plan.planned} (${plan.alreadyPlanned} already planned, ${plan.empty} with nothing new` +
            (unplanned ? `, ${plan.failures.length} could not be planned` : '') +
            '), ' +
            `sent ${sent.sent}, retrying later ${sent.retried}, failed ${sent.failed}` +
            (sent.requeued + sent.presumedSent > 0
              ? `; recovered after an interrupted run: ${sent.requeued} re-queued, ${sent.presumedSent} already handed over`
              : ''),
        );
      }
      await deps.mail.close();
      return sent.failed > 0 || unplanned ? ExitCode.partial : ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};

export const digestStatus: Command = {
  name: 'digest status',
  summary: 'Digest outbox by period (planned, sending, sent, failed) and recent permanent failures',
  usage: 'paperboy digest status [--json]',
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } });
    const store = await openMigratedStore(ctx.config);
    try {
      const deps = await buildDeps(ctx.config, store, silentLogger);
      const status = await deps.digests.status();
      const subscribers = await store.db
        .selectFrom('subscriptions')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const counts = Object.fromEntries(subscribers.map((r) => [r.status, Number(r.n)]));
      if (values.json) {
        ctx.io.out(JSON.stringify({ subscribers: counts, ...status }));
        return ExitCode.ok;
      }
      ctx.io.out(`subscribers: ${['confirmed', 'pending', 'paused', 'unsubscribed'].map((s) => `${s} ${counts[s] ?? 0}`).join(', ')}`);
      if (status.periods.length === 0) ctx.io.out('outbox: empty');
      for (const p of status.periods) {
        ctx.io.out(
          `${p.frequency.padEnd(6)} ${p.period.padEnd(10)}  planned ${p.planned}  sending ${p.sending}  sent ${p.sent}` +
            (p.unconfirmed > 0 ? ` (${p.unconfirmed} unconfirmed)` : '') +
            `  failed ${p.failed}`,
        );
      }
      if (status.failures.length > 0) {
        ctx.io.out('failures:');
        for (const f of status.failures)
          ctx.io.out(`  #${f.id} ${f.email} ${f.frequency} ${f.period} after ${f.attempts} attempt(s): ${f.last_error ?? ''}`);
      }
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  },
};
