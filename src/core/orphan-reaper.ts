/**
 * Last line of defence against orphans: a tiny watchdog process that holds
 * a pipe from its parent and is told each child process group as it starts
 * and ends. If the parent dies without cleaning up (SIGKILL, OOM), the pipe
 * closes and the watchdog kills every group it still knows, removes the
 * parent's scratch folder when given one, then exits. On a clean shutdown
 * the parent has already stopped its children and removed the folder, so it
 * finds nothing to do. `sdep serve` keeps one for its units, each unit one for the
 * container processes of its graph.
 */
import { type ChildProcess, spawn } from 'node:child_process';

// Plain JavaScript run with `node -e`: no file to locate, no loader needed.
const WATCHDOG = `
const groups = new Set();
const scratch = process.argv[1];
let buf = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line[0] === '+') groups.add(pid);
    else groups.delete(pid);
  }
});
const reap = () => {
  for (const pid of groups) {
    try { process.kill(-pid, 'SIGKILL'); } catch {}
  }
  if (scratch) {
    try { require('node:fs').rmSync(scratch, { recursive: true, force: true }); } catch {}
  }
  process.exit(0);
};
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

export interface OrphanReaper {
  readonly pid: number;
  /** A unit process group started. */
  add(pgid: number): void;
  /** A unit process group is gone (or was stopped). */
  remove(pgid: number): void;
  /** Clean shutdown: closes the pipe (whatever is still listed gets killed). */
  close(): void;
  /** The watchdog process, for tests. */
  readonly child: ChildProcess;
}

export interface OrphanReaperOptions {
  /** A folder of the parent's own (serve's unit files) to remove if the parent dies without doing so. */
  scratchDir?: string;
}

export function startOrphanReaper(opts: OrphanReaperOptions = {}): OrphanReaper {
  const args = ['-e', WATCHDOG, ...(opts.scratchDir ? [opts.scratchDir] : [])];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // serve must be free to exit without waiting for its watchdog
  child.unref();
  const stdin = child.stdin;
  (stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const send = (line: string) => {
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(`${line}\n`);
  };
  stdin?.on('error', () => {});
  return {
    pid: child.pid ?? -1,
    child,
    add: (pgid) => send(`+${pgid}`),
    remove: (pgid) => send(`-${pgid}`),
    close: () => stdin?.end(),
  };
}
