/**
 * Starts a real `sdep unit` process for integration tests and reads its
 * listening line. Every process is stopped by PID (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface UnitProcess {
  pid: number;
  http: number;
  grpc: number;
  base: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s); resolves to the exit code. */
  stop(): Promise<number | null>;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

export async function startUnitProcess(args: string[], timeoutMs = 60_000): Promise<UnitProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'unit', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SDEP_LOG_LEVEL: process.env.SDEP_LOG_LEVEL ?? 'warn' },
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const code = await exitOf(child);
    clearTimeout(timer);
    return code;
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`unit did not print its listening line; stderr:\n${err}`)),
        timeoutMs,
      );
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(out.slice(0, nl));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`unit exited with ${code} before listening; stderr:\n${err}`));
      });
    });
    const parsed = JSON.parse(line) as { event: string; http: number; grpc: number };
    if (parsed.event !== 'listening') throw new Error(`unexpected first line ${line}`);
    return {
      pid: child.pid!,
      http: parsed.http,
      grpc: parsed.grpc,
      base: `http://127.0.0.1:${parsed.http}`,
      child,
      stderr: () => err,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Runs `sdep unit` expecting it to fail before listening; returns exit code and stderr. */
export async function runUnitExpectingFailure(
  args: string[],
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'unit', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await exitOf(child);
  clearTimeout(timer);
  return { code, stderr: err };
}

/** Polls `check` until it is true (bounded). */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
  stepMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Waits (bounded) until no process has this pid. */
export function waitForGone(pid: number, timeoutMs = 10_000): Promise<void> {
  return waitFor(
    async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    timeoutMs,
    100,
  );
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, json };
}
