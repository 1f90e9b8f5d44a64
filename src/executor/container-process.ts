/**
 * Runs a predictor container as a local process, the way a pod would run it:
 * its command + args (never through a shell), its env plus Seldon's
 * PREDICTIVE_UNIT_* variables on free ports, in its own process group so the
 * whole tree can be stopped. Ready once GET /health/ping answers 200.
 */
import type { Buffer } from 'node:buffer';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Container, GraphNode } from '../api/deployment-spec.js';
import { type OrphanReaper, startOrphanReaper } from '../core/orphan-reaper.js';
import { SdepError } from '../core/sdep-error.js';

export interface ContainerProcessOptions {
  container: Container;
  node: GraphNode;
  /** Working directory when the container sets none (the deployment file's folder). */
  defaultCwd: string;
  /** How long to wait for /health/ping (default 60 s). */
  startTimeoutMs?: number;
  /** Receives the process's output lines. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ContainerProcess {
  readonly pid: number;
  readonly host: string;
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Resolves once /health/ping answers 200; rejects if the process exits or the wait times out. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/**
 * `sdep ...` runs this same CLI (this Node, this entry point), so a deployment
 * can use `command: ["sdep", "microservice", ...]` without a global install.
 */
export function resolveCommand(argv: readonly string[]): [string, string[]] {
  const [cmd, ...rest] = argv;
  if (cmd !== 'sdep') return [cmd!, rest];
  const here = fileURLToPath(import.meta.url);
  const ext = extname(here);
  const main = resolve(dirname(here), '..', 'cli', `main${ext === '.ts' ? '.ts' : '.js'}`);
  // Running from source: load tsx the same way this process did.
  const loader = ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : [];
  return [process.execPath, [...loader, main, ...rest]];
}

/** Every live container process, killed synchronously if the unit exits without closing. */
const live = new Set<ChildProcess>();
let reaper: OrphanReaper | undefined;
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function notRunnable(container: Container): SdepError {
  return new SdepError(
    'SDEP_CONTAINER_NOT_RUNNABLE',
    `container '${container.name}': cannot run image ${container.image ?? '(none)'} locally: give the container a command, or use a built-in implementation`,
    { status: 500 },
  );
}

export async function startContainerProcess(opts: ContainerProcessOptions): Promise<ContainerProcess> {
  const { container, node } = opts;
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (!container.command?.length) throw notRunnable(container);
  const host = '127.0.0.1';
  const httpPort = await freePort(host);
  let grpcPort = await freePort(host);
  if (grpcPort === httpPort) grpcPort = await freePort(host);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  Object.assign(env, {
    PREDICTIVE_UNIT_HTTP_SERVICE_PORT: String(httpPort),
    PREDICTIVE_UNIT_SERVICE_PORT: String(httpPort),
    PREDICTIVE_UNIT_GRPC_SERVICE_PORT: String(grpcPort),
    PREDICTIVE_UNIT_ID: node.name,
    ...(container.image ? { PREDICTIVE_UNIT_IMAGE: container.image } : {}),
    PREDICTIVE_UNIT_PARAMETERS: JSON.stringify(
      node.parameters.map((p) => ({ name: p.name, value: p.value, type: p.type })),
    ),
  });
  const [cmd, args] = resolveCommand(argv);
  const cwd = container.workingDir ? resolve(opts.defaultCwd, container.workingDir) : opts.defaultCwd;
  const child = spawn(cmd, args, {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
  installExitHook();
  live.add(child);
  // should this unit be SIGKILLed, its exit hook never runs: the watchdog kills the container's group then
  const pgid = child.pid;
  if (pgid) {
    reaper ??= startOrphanReaper();
    reaper.add(pgid);
    child.once('exit', () => reaper?.remove(pgid));
  }
  const tail: string[] = [];
  const onLine = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.onOutput?.(line, stream);
    }
  };
  child.stdout?.on('data', onLine('stdout'));
  child.stderr?.on('data', onLine('stderr'));

  let exited = false;
  const exitedP = new Promise<string>((res) => {
    child.once('error', (err) => {
      exited = true;
      live.delete(child);
      res(err.message);
    });
    child.once('exit', (code, signal) => {
      exited = true;
      live.delete(child);
      res(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  });

  const startFailed = (why: string) =>
    new SdepError(
      'SDEP_CONTAINER_START_FAILED',
      `container '${container.name}' (${argv.join(' ')}) ${why}${tail.length ? `; last output:\n${tail.join('\n')}` : ''}`,
      { status: 503 },
    );

  const ready = (async () => {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    let stop = false;
    const exitWatch = exitedP.then((why) => {
      stop = true;
      return why;
    });
    while (!stop && Date.now() < deadline) {
      try {
        const res = await fetch(`http://${host}:${httpPort}/health/ping`, {
          signal: AbortSignal.timeout(1000),
        });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // Not listening yet.
      }
      await Promise.race([new Promise((r) => setTimeout(r, 100)), exitWatch]);
    }
    if (stop) throw startFailed(await exitWatch);
    throw startFailed(
      `did not answer GET /health/ping on port ${httpPort} within ${opts.startTimeoutMs ?? 60_000} ms`,
    );
  })();
  // Callers await `ready`; keep an unobserved rejection from crashing the unit meanwhile.
  ready.catch(() => {});

  return {
    pid: child.pid ?? -1,
    host,
    httpPort,
    grpcPort,
    ready,
    async stop() {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exitedP;
      clearTimeout(timer);
    },
  };
}
