/** Polls a unit's GET /ready until 200: traffic goes to a unit only once it answers ready. */
import { request } from 'node:http';

function probe(port: number, path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export interface ReadinessOptions {
  path?: string;
  intervalMs?: number;
  /** Give up after this long (the caller decides what that means). */
  timeoutMs: number;
  /** Stop early when this returns true (the process exited, or is being stopped). */
  cancelled: () => boolean;
}

/** true once ready; false on timeout or cancellation. */
export async function waitReady(port: number, opts: ReadinessOptions): Promise<boolean> {
  const path = opts.path ?? '/ready';
  const deadline = Date.now() + opts.timeoutMs;
  let interval = opts.intervalMs ?? 50;
  while (!opts.cancelled() && Date.now() < deadline) {
    if (await probe(port, path, 2000)) return true;
    await new Promise((r) => setTimeout(r, interval));
    // fast at first (built-ins are ready in milliseconds), then gentler on slow model loads
    interval = Math.min(interval * 2, 1000);
  }
  return false;
}
