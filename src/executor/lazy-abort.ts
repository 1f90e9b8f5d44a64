/**
 * An AbortSignal made only when someone reads it. The unit aborts on a
 * client going away and on a component call's timeout, but in-process
 * components never read the signal, and an AbortController (an EventTarget)
 * per request and per call was a tenth of what the unit allocated. An abort
 * before the signal exists is kept and applied when it is made; a signal
 * that `follows` another aborts with it (and is aborted at once if that one
 * already was).
 */
export class LazyAbort {
  private ac: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  private readonly follows: (() => AbortSignal | undefined) | undefined;
  private outer: AbortSignal | undefined;
  private onOuter: (() => void) | undefined;

  constructor(follows?: () => AbortSignal | undefined) {
    this.follows = follows;
  }

  get signal(): AbortSignal {
    if (this.ac === undefined) {
      const ac = new AbortController();
      this.ac = ac;
      const outer = this.follows?.();
      if (this.aborted) ac.abort(this.reason);
      else if (outer?.aborted) ac.abort(outer.reason);
      else if (outer !== undefined) {
        this.outer = outer;
        this.onOuter = () => ac.abort(outer.reason);
        outer.addEventListener('abort', this.onOuter, { once: true });
      }
    }
    return this.ac.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.ac?.abort(reason);
  }

  /** Stops following the other signal (the call is over). */
  release(): void {
    if (this.onOuter !== undefined) this.outer?.removeEventListener('abort', this.onOuter);
    this.onOuter = undefined;
  }
}
