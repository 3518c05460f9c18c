import { silentLogger } from '../../logger.js';
import { buildDeps, openMigratedStore } from '../../runtime.js';
import { ExitCode, parseCommandArgs, UsageError, type Command, type CommandContext } from '../command.js';

type Change = { readonly describe: string; readonly apply: 'grant' | 'revoke' | 'ban' | 'unban' };

async function changeUser(ctx: CommandContext, change: Change): Promise<number> {
  const { positionals } = parseCommandArgs(ctx.argv, {});
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('Expected exactly one username.');
  const username = positionals[0];
  const store = await openMigratedStore(ctx.config);
  try {
    const deps = await buildDeps(ctx.config, store, silentLogger);
    const { accounts } = deps;
    const user =
      change.apply === 'grant' || change.apply === 'revoke'
        ? await accounts.setAdmin(username, change.apply === 'grant')
        : await accounts.setBanned(username, change.apply === 'ban');
    await deps.mail.close();
    if (user && (change.apply === 'ban' || change.apply === 'unban')) deps.writes.announce({ kind: 'user-ban', userIds: [user.id] });
    if (!user) {
      ctx.io.err(`No user named "${username}".`);
      return ExitCode.failure;
    }
    ctx.io.out(`${user.username} ${change.describe}.`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

function adminCommand(word: Change['apply'], summary: string, describe: string): Command {
  return {
    name: `admin ${word}`,
    summary,
    usage: `paperboy admin ${word} <username>`,
    run: (ctx) => changeUser(ctx, { describe, apply: word }),
  };
}

export const adminGrant = adminCommand('grant', 'Make a user an administrator', 'is now an administrator');
export const adminRevoke = adminCommand('revoke', "Take a user's administrator rights away", 'is no longer an administrator');
export const adminBan = adminCommand('ban', 'Ban a user: logs them out everywhere and blocks log-in and API tokens', 'is banned');
export const adminUnban = adminCommand('unban', 'Lift a ban', 'is no longer banned');
