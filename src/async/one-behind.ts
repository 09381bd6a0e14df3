/**
 * Background work kept one step behind its caller: each task starts once the one before it has
 * settled, and the caller goes on while it runs. The service commits a page's results this way
 * while it plans the next page.
 */

/** Runs tasks one at a time, each behind the one before; a failure is thrown at the next call. */
export class OneBehind {
  private current: Promise<unknown> = Promise.resolve();

  /**
   * Waits for the task before (throwing its error, in which case `start` is not called), then
   * starts `start`'s task and returns without waiting for it.
   */
  async next(start: () => Promise<unknown>): Promise<void> {
    await this.current;
    const task = start();
    // Marked handled here; its error is thrown by the next call to next() or settled().
    task.catch(() => undefined);
    this.current = task;
  }

  /** Waits for the last task started, throwing its error. */
  async settled(): Promise<void> {
    await this.current;
  }
}
