/**
 * `sdep gateway --workers N`: N gateway processes (node:cluster) sharing the
 * data-plane and admin ports, for machines where one Node event loop is
 * the bottleneck. The primary only forks, restarts a worker that dies, and
 * forwards SIGINT/SIGTERM; each worker is a whole `sdep gateway` (its own
 * table, pools, breakers and metrics: circuit-breaker limits and /metrics
 * are per worker). The primary prints the workers' announcement once, after
 * every worker listens.
 */
import cluster, { type Worker } from 'node:cluster';

type Out = (line: string) => void;

const RESTART_DELAY_MS = 500;

interface ListeningMessage {
  type: 'sdep-gateway-listening';
  lines: string[];
}

function isListening(m: unknown): m is ListeningMessage {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'sdep-gateway-listening';
}

export function isGatewayWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker: tell the primary this worker listens, with the lines it would have printed. */
export function announceWorker(lines: string[]): void {
  const msg: ListeningMessage = { type: 'sdep-gateway-listening', lines };
  process.send?.(msg);
}

/** In the primary: fork `workers` gateways, announce once, restart the ones that die, stop them on a signal. */
export function runGatewayPrimary(workers: number, out: Out, err: Out): void {
  let listening = 0;
  let announced = false;
  let stopping = false;
  const live = new Set<Worker>();

  const fork = () => {
    const w = cluster.fork();
    live.add(w);
    w.on('message', (m: unknown) => {
      if (!isListening(m) || announced) return;
      listening++;
      if (listening === workers) {
        announced = true;
        for (const line of m.lines) out(line);
        out(
          `gateway workers: ${workers} (node:cluster; pids ${[...live].map((x) => x.process.pid).join(', ')})`,
        );
      }
    });
    w.on('exit', (code, signal) => {
      live.delete(w);
      if (stopping) {
        if (live.size === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (!announced) {
        // A worker that cannot start (bad files, port taken) would fail the same way again.
        err(`gateway worker ${w.process.pid} exited (${signal ?? `code ${code}`}) before listening`);
        stopping = true;
        for (const x of live) x.process.kill('SIGTERM');
        process.exitCode = 1;
        if (live.size === 0) process.exit(1);
        return;
      }
      err(`gateway worker ${w.process.pid} exited (${signal ?? `code ${code}`}); restarting`);
      setTimeout(fork, RESTART_DELAY_MS).unref();
    });
  };
  for (let i = 0; i < workers; i++) fork();

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (live.size === 0) process.exit(0);
    for (const w of live) w.process.kill('SIGTERM');
    // Workers drain for up to 10 s; do not outlive them by much.
    setTimeout(() => {
      for (const w of live) w.process.kill('SIGKILL');
      process.exit(1);
    }, 15_000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
