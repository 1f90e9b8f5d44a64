/**
 * Restart delay after a unit exits, as kubelet's CrashLoopBackOff: 1s,
 * doubling, capped at 30s; reset once a unit has run long enough. Pure.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy and resets the back-off. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** Delay before restart number `attempt` (1 = first restart after a crash). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n - 1, 30));
}

/** The attempt count after a run of `ranMs`: reset to 1 when it ran long enough. */
export function nextAttempt(
  previous: number,
  ranMs: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  return ranMs >= policy.resetAfterMs ? 1 : previous + 1;
}
