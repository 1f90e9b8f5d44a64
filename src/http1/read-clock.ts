/**
 * performance.now(), read at most once per socket read callback. Every
 * timestamp taken while one read is handled (a request's start and its
 * dispatch upstream, a response's service time, the connection parked
 * after it) is then the same reading, as Envoy's dispatcher hands out one
 * approximate time per loop iteration. A reading costs some 330
 * instructions; a proxied request took eight. Outside a read callback
 * (timers, node's http server, HTTP/2) every call reads the clock.
 */
import { performance } from 'node:perf_hooks';

let inRead = false;
let reading = -1;

/**
 * Runs a read callback's work with the clock read once, on first use.
 * A nested call reads afresh, and the outer call's later readings are
 * then uncached: correct, only slower.
 */
export function inReadCallback<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
  inRead = true;
  reading = -1;
  try {
    fn(a, b);
  } finally {
    inRead = false;
  }
}

export function readClock(): number {
  if (!inRead) return performance.now();
  if (reading < 0) reading = performance.now();
  return reading;
}
