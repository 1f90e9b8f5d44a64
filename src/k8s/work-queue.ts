/**
 * A reconcile queue in the style of client-go's workqueue: a key is queued
 * at most once, a key that changes while it is being reconciled runs again
 * afterwards, and a failed key comes back after an exponential back-off
 * (base × 2^(failures-1), capped), reset by a success. One worker: keys are
 * reconciled one at a time, which is plenty for a few hundred resources and
 * rules out two reconciles of one key racing.
 */
export interface WorkQueueOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

export function backoffDelay(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private processing: string | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly handler: (key: string) => Promise<void>,
    private readonly opts: WorkQueueOptions,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing === key) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.kick();
  }

  /** Failures so far of a key (0 after a success). */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  /** After stop(): resolves when the reconcile in flight, if any, has finished. */
  async drained(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Resolves when nothing is queued, running or waiting out a back-off. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.processing === undefined && this.timers.size === 0;
  }

  private addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length) this.kick();
      else if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.processing = key;
      try {
        await this.handler(key);
        this.failures.delete(key);
      } catch (err) {
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        const delay = backoffDelay(n, this.opts.baseDelayMs, this.opts.maxDelayMs);
        this.opts.onError?.(key, err, delay);
        this.addAfter(key, delay);
      } finally {
        this.processing = undefined;
      }
      if (this.dirty.delete(key)) this.add(key);
    }
  }
}
