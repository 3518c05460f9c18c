import { startServer } from '../../server.js';
import { ExitCode, parseCommandArgs, type Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the web server (imports the demo papers into an empty database first)',
  usage: 'paperboy serve',
  async run(ctx) {
    parseCommandArgs(ctx.argv, {});
    const server = await startServer(ctx.config);
    ctx.io.err(`Paperboy is serving on ${server.url}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return ExitCode.ok;
  },
};
