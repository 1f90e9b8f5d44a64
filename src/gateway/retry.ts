/**
 * Retry policy decisions (Envoy `retry_on` semantics) and the jittered
 * exponential back-off (base 25 ms, capped at 250 ms).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RetryOn } from '../ambassador/mapping.js';

/** Why an attempt failed before response headers. */
export type FailureKind = 'connect' | 'reset' | 'timeout' | 'refused-stream' | 'protocol';

/** Bodies larger than this are neither retried nor mirrored (Envoy's buffer limit). */
export const MAX_REPLAY_BODY = 1024 * 1024;

const BASE_MS = 25;
const MAX_MS = 250;

export function isRetriableStatus(retryOn: RetryOn, status: number, headers: IncomingHttpHeaders): boolean {
  switch (retryOn) {
    case '5xx':
      return status >= 500 && status <= 599;
    case 'gateway-error':
      return status === 502 || status === 503 || status === 504;
    case 'retriable-4xx':
      return status === 409;
    case 'retriable-status-codes':
      return retriableCodesHeader(headers, status);
    default:
      return false;
  }
}

/** `retriable-status-codes` takes its list from the request header, as Envoy does. */
function retriableCodesHeader(headers: IncomingHttpHeaders, status: number): boolean {
  const raw = headers['x-envoy-retriable-status-codes'];
  if (typeof raw !== 'string') return false;
  for (const part of raw.split(',')) {
    if (Number(part.trim()) === status) return true;
  }
  return false;
}

export function isRetriableFailure(retryOn: RetryOn, kind: FailureKind): boolean {
  switch (retryOn) {
    case '5xx':
    case 'gateway-error':
      return kind === 'connect' || kind === 'reset' || kind === 'timeout' || kind === 'refused-stream';
    case 'connect-failure':
      return kind === 'connect';
    case 'refused-stream':
      return kind === 'refused-stream';
    default:
      return false;
  }
}

/** Back-off before retry number `attempt` (1-based): uniform in [0, min((2^n − 1) × 25, 250)) ms. */
export function backoffMs(attempt: number, random: () => number): number {
  const ceiling = Math.min((2 ** attempt - 1) * BASE_MS, MAX_MS);
  return Math.floor(random() * ceiling);
}
