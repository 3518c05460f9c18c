/**
 * A round of background work run on a timer inside `serve` and on demand, one at a time: asking while a round is
 * under way gets that round rather than a second one beside it. The timer does not keep the process alive. A round
 * reports its own failures (it should not reject: the timer has no one to tell).
 */
export class PeriodicRound {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly round: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** Runs a round every interval from now on; `runNow` also starts one at once. */
  start(options: { runNow: boolean }): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
    if (options.runNow) void this.run();
  }

  /** A round: the one under way, else a new one. Resolves when it ends. */
  run(): Promise<void> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** No more rounds on the timer; resolves when the round under way, if any, has ended. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
