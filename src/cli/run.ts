import type { CommandIo } from './command.js';
import { ExitCode } from './command.js';
import { runCli } from './main.js';

/** Process entry point: `node dist/src/cli/run.js <command>` (what bin/paperboy.js loads). */
const io: CommandIo = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.failure;
  },
);
