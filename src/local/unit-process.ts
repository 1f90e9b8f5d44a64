/**
 * One unit OS process: spawned without a shell, detached into its own
 * process group (so the unit and any container processes it runs are
 * signalled together), stdout scanned for the `listening` line, other
 * output handed to the logger line by line.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LaunchCommand {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface UnitPorts {
  http: number;
  grpc: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type LineSink = (stream: 'stdout' | 'stderr', line: string) => void;

export interface UnitProcess {
  readonly pid: number;
  /** Resolves on the `{"event":"listening",...}` line; rejects if the process exits first. */
  readonly listening: Promise<UnitPorts>;
  readonly exited: Promise<ExitInfo>;
  readonly hasExited: () => boolean;
  /** SIGTERM to the group, SIGKILL after `killAfterMs`; resolves when the process is gone. */
  terminate(killAfterMs: number): Promise<ExitInfo>;
  /** Immediate SIGKILL of the whole group (shutdown paths that cannot wait). */
  killNow(): void;
}

export function parseListeningLine(line: string): UnitPorts | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as { event?: unknown; http?: unknown; grpc?: unknown };
    if (v.event !== 'listening' || typeof v.http !== 'number') return undefined;
    return { http: v.http, grpc: typeof v.grpc === 'number' ? v.grpc : 0 };
  } catch {
    return undefined;
  }
}

/** Signals the process group; falls back to the process when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function spawnUnitProcess(cmd: LaunchCommand, sink: LineSink): UnitProcess {
  const child: ChildProcess = spawn(cmd.command, cmd.args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cmd.env ?? process.env,
    cwd: cmd.cwd,
    shell: false,
  });
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    // spawn failures (ENOENT) emit 'error' and no 'exit'
    child.once('error', (err) => {
      sink('stderr', `spawn failed: ${err.message}`);
      if (!exitInfo) {
        exitInfo = { code: -1, signal: null };
        resolve(exitInfo);
      }
    });
  });
  const listening = new Promise<UnitPorts>((resolve, reject) => {
    let found = false;
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const ports = found ? undefined : parseListeningLine(line);
        if (ports) {
          found = true;
          resolve(ports);
        } else sink('stdout', line);
      });
    }
    void exited.then((e) => {
      if (!found) reject(new Error(`exited before listening (code ${e.code}, signal ${e.signal})`));
    });
  });
  listening.catch(() => {});
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => sink('stderr', line));
  const pid = child.pid ?? -1;
  return {
    pid,
    listening,
    exited,
    hasExited: () => exitInfo !== undefined,
    async terminate(killAfterMs) {
      if (exitInfo) return exitInfo;
      if (pid > 0) signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (pid > 0) signalGroup(pid, 'SIGKILL');
      }, killAfterMs);
      const e = await exited;
      clearTimeout(timer);
      // container processes of the unit may outlive it: make sure the group is gone
      if (pid > 0) signalGroup(pid, 'SIGKILL');
      return e;
    },
    killNow() {
      if (pid > 0) signalGroup(pid, 'SIGKILL');
    },
  };
}
