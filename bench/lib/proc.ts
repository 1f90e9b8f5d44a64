/**
 * Process helpers for the benchmarks: spawn in its own process group
 * (optionally pinned to a CPU with taskset), kill every group started,
 * wait for ports, and read CPU time and RSS of a whole group from /proc.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';

const started = new Set<ChildProcess>();

export function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Installs Debian packages when a binary is missing (root only); false when still missing. */
export function ensureDebian(bin: string, pkg: string): boolean {
  if (has(bin) || process.env.SDEP_BENCH_NO_INSTALL === '1') return has(bin);
  if (process.getuid?.() !== 0) return false;
  console.error(`# installing ${pkg} (apt-get) ...`);
  const sh = `(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg} || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg})) >/dev/null 2>&1`;
  spawnSync('timeout', ['300', 'sh', '-c', sh], { stdio: 'inherit' });
  return has(bin);
}

/** Pinning needs taskset and two CPUs; otherwise runs unpinned. */
export const canPin =
  has('taskset') && (readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 1) >= 2;

export interface StartOptions {
  /** CPU list for taskset (e.g. "1"); ignored when pinning is unavailable. */
  cpu?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Pipe stdout so the caller can read it (default: ignored). */
  pipeStdout?: boolean;
  /** Show stderr (default: ignored unless SDEP_BENCH_VERBOSE=1). */
  stderr?: boolean;
}

export function start(cmd: string, args: string[], o: StartOptions = {}): ChildProcess {
  const [file, argv] = o.cpu !== undefined && canPin ? ['taskset', ['-c', o.cpu, cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, {
    cwd: o.cwd,
    env: o.env ?? process.env,
    detached: true,
    stdio: [
      'ignore',
      o.pipeStdout ? 'pipe' : 'ignore',
      o.stderr || process.env.SDEP_BENCH_VERBOSE === '1' ? 'inherit' : 'ignore',
    ],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** SIGTERM the child's process group, SIGKILL after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const t = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
  signalGroup(child.pid, 'SIGKILL'); // stragglers in the group (nginx workers)
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((c) => stop(c)));
}

/** Kills every started group on exit and on Ctrl-C, and bounds the whole run. */
export function installCleanup(maxSeconds: number): void {
  const killAll = () => {
    for (const c of started) if (c.pid !== undefined) signalGroup(c.pid, 'SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(130);
    });
  }
  const t = setTimeout(() => {
    console.error(`# benchmark exceeded ${maxSeconds} s: stopping`);
    killAll();
    process.exit(3);
  }, maxSeconds * 1000);
  t.unref();
}

/** Resolves with the first stdout line that parses as JSON, or the first line matching `re`. */
export function waitForLine(child: ChildProcess, re: RegExp, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms`)), ms);
    const onData = (c: Buffer) => {
      buf += c.toString();
      for (;;) {
        const nl = buf.indexOf('\n');
        if (nl < 0) break;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (re.test(line)) {
          clearTimeout(t);
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve(line);
          return;
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`process exited (${code}) before printing ${re}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function waitForPort(port: number, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${ms} ms`);
}

export async function waitForHttp(url: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(url).then(
      async (r) => {
        await r.arrayBuffer();
        return r.status === 200;
      },
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms`);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface GroupStats {
  /** user + system CPU seconds of every process in the group. */
  cpuSeconds: number;
  /** Sum of resident set sizes, MB. */
  rssMb: number;
  /**
   * The anonymous part of it (RssAnon: heaps, stacks), MB. The rest is mostly
   * the node binary's own pages (about 40 MB), shared by every node process.
   */
  anonMb: number;
}

/** CPU and RSS of every live process whose process group is `pgid`. */
export function groupStats(pgid: number): GroupStats {
  let ticks = 0;
  let rssKb = 0;
  let anonKb = 0;
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15.
    if (Number(f[2]) !== pgid) continue;
    ticks += Number(f[11]) + Number(f[12]);
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+)/.exec(status);
      if (m) rssKb += Number(m[1]);
      const a = /RssAnon:\s+(\d+)/.exec(status);
      if (a) anonKb += Number(a[1]);
    } catch {
      // exited
    }
  }
  return { cpuSeconds: ticks / CLK_TCK, rssMb: rssKb / 1024, anonMb: anonKb / 1024 };
}
