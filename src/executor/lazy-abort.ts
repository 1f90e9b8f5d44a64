/**
 * An AbortSignal made only when someone reads it. The unit aborts on a
 * client going away and on a component call's timeout, but in-process
 * components never read the signal, and an AbortController (an EventTarget)
 * per request and per call was a tenth of what the unit allocated. An abort
 * before the signal exists is kept and applied when it is made; a signal
 * that `follows` another aborts with it (and is aborted at once if that one
 * already was). Callers subclass it for their call or request object: an
 * object literal with a `signal` getter is a dictionary-mode object with a
 * closure per call, and on the unit's hot path those outlived their requests
 * (bench/README.md, unit memory).
 */
export class LazyAbort {
  private ac: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  private readonly follows: { readonly signal?: AbortSignal | undefined } | undefined;
  private outer: AbortSignal | undefined;
  private onOuter: (() => void) | undefined;

  /** `follows`: whose signal this one follows, read when this one's is made. */
  constructor(follows?: { readonly signal?: AbortSignal | undefined }) {
    this.follows = follows;
  }

  get signal(): AbortSignal {
    if (this.ac === undefined) {
      const ac = new AbortController();
      this.ac = ac;
      const outer = this.follows?.signal;
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
