/** Mapping retry_policy → RetrySpec (Envoy: num_retries defaults to 1). */
import type { RetryPolicy } from '../ambassador/mapping.js';
import type { RetrySpec } from './route-table.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style duration (`250ms`, `1.5s`) → milliseconds; undefined when unreadable. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

export type RetryResult = { spec: RetrySpec } | { problem: { path: string; message: string } };

export function retrySpecFor(p: RetryPolicy): RetryResult {
  if (!p.retry_on)
    return {
      problem: { path: 'retry_policy.retry_on', message: 'retry_policy has no retry_on; no retries' },
    };
  const numRetries = p.num_retries ?? 1;
  if (!Number.isInteger(numRetries) || numRetries < 0) {
    return {
      problem: {
        path: 'retry_policy.num_retries',
        message: `num_retries ${numRetries} is not a whole number ≥ 0`,
      },
    };
  }
  const spec: RetrySpec = { retryOn: p.retry_on, numRetries };
  if (p.per_try_timeout !== undefined) {
    const ms = parseDurationMs(p.per_try_timeout);
    if (ms === undefined) {
      return {
        problem: {
          path: 'retry_policy.per_try_timeout',
          message: `per_try_timeout ${JSON.stringify(p.per_try_timeout)} is not a duration like 250ms or 1s`,
        },
      };
    }
    spec.perTryTimeoutMs = ms;
  }
  return { spec };
}
