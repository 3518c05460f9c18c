/**
 * Work taken off the response path: it starts once the current response has been handed to the socket, so its
 * duration (a mail sent or not, a row written or not) cannot be measured by whoever made the request. Failures are
 * reported to `onError`, never to the requester. `settled()` waits for everything started so far (for shutdown,
 * and for tests that look at the outcome).
 */
export class DeferredWork {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  run(task: () => Promise<void>): void {
    const started = new Promise<void>((resolve) => setImmediate(resolve))
      .then(task)
      .catch((error: unknown) => this.onError(error))
      .finally(() => this.pending.delete(started));
    this.pending.add(started);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
