/**
 * Envoy-style circuit breaker: concurrency caps on a cluster, a few counters
 * (not an error-rate breaker). A request over a cap is refused at once.
 *
 * Requests in flight beyond `maxConnections` wait for a connection in the
 * pool, so they count as pending: a new request overflows when in-flight
 * requests reach `maxRequests` or `maxConnections + maxPendingRequests`.
 */
import type { CircuitBreakerLimits } from '../routing/route-table.js';

export class CircuitBreaker {
  readonly limits: CircuitBreakerLimits;
  /** Requests in flight (including those waiting for a connection). */
  active = 0;
  /** Retries in flight across the cluster. */
  retries = 0;
  private readonly requestCap: number;

  constructor(limits: CircuitBreakerLimits) {
    this.limits = limits;
    this.requestCap = Math.min(limits.maxRequests, limits.maxConnections + limits.maxPendingRequests);
  }

  tryStartRequest(): boolean {
    if (this.active >= this.requestCap) return false;
    this.active++;
    return true;
  }

  endRequest(): void {
    this.active--;
  }

  tryStartRetry(): boolean {
    if (this.retries >= this.limits.maxRetries) return false;
    this.retries++;
    return true;
  }

  endRetry(): void {
    this.retries--;
  }

  /** Requests currently waiting for a connection (for metrics and diag). */
  get pending(): number {
    return Math.max(0, this.active - this.limits.maxConnections);
  }
}
