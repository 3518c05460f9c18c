import { ConfigError, loadConfig } from '../config.js';
import { ExitCode, UsageError, type Command, type CommandIo } from './command.js';
import { COMMANDS } from './commands/index.js';

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: paperboy <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `paperboy <command> --help` for a command's options. Configuration comes from environment variables (see README).",
  ].join('\n');
}

/** Finds the command whose words start argv, preferring the longest name. */
function resolve(argv: readonly string[]): { command: Command; rest: string[] } | null {
  const candidates = [...COMMANDS].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of candidates) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

export async function runCli(argv: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(help(COMMANDS));
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  const found = resolve(argv);
  if (!found) {
    io.err(`Unknown command: ${argv.join(' ')}\n\n${help(COMMANDS)}`);
    return ExitCode.usage;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.out(`${found.command.summary}\n\nUsage: ${found.command.usage}`);
    return ExitCode.ok;
  }
  try {
    const config = loadConfig(env);
    return await found.command.run({ config, io, argv: found.rest });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return ExitCode.usage;
    }
    if (error instanceof UsageError) {
      io.err(`${error.message}\nUsage: ${found.command.usage}`);
      return ExitCode.usage;
    }
    io.err(`paperboy ${found.command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return ExitCode.failure;
  }
}
