/**
 * wrk runner and parser: one thread by default, fixed duration, a Lua
 * script that sets the request and prints the summary as one JSON line
 * (latency in µs from wrk's histogram). Optionally pinned with taskset.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canPin, ensureDebian } from './proc.js';

export interface WrkOptions {
  url: string;
  connections: number;
  seconds: number;
  threads?: number;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** CPU list for taskset. */
  cpu?: string | undefined;
  /** Each connection waits this long between a response and its next request (a paced, open-ish load). */
  delayMs?: number | undefined;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  rps: number;
  /** Milliseconds. */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Socket errors, timeouts and non-2xx/3xx responses. */
  errors: number;
  /** The same, by kind: `connect N read N write N status N timeout N`. */
  errorKinds: string;
}

export function ensureWrk(): void {
  if (!ensureDebian('wrk', 'wrk'))
    throw new Error('wrk is missing and could not be installed (apt-get install wrk)');
}

function luaString(s: string): string {
  return JSON.stringify(s); // JSON string escapes are valid Lua escapes for these payloads
}

export function wrk(o: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sdep-wrk-'));
  const script = join(dir, 'req.lua');
  const lines = [`wrk.method = ${luaString(o.method ?? (o.body === undefined ? 'GET' : 'POST'))}`];
  if (o.body !== undefined) lines.push(`wrk.body = ${luaString(o.body)}`);
  const headers = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  if (o.delayMs !== undefined) lines.push(`delay = function() return ${o.delayMs} end`);
  lines.push(
    'done = function(s, lat, req)',
    '  local e = s.errors',
    '  io.write(string.format("WRKJSON {\\"requests\\":%d,\\"us\\":%d,\\"mean\\":%f,\\"p50\\":%d,\\"p90\\":%d,\\"p99\\":%d,\\"max\\":%d,\\"errors\\":%d,\\"kinds\\":\\"connect %d read %d write %d status %d timeout %d\\"}\\n",',
    '    s.requests, s.duration, lat.mean, lat:percentile(50), lat:percentile(90), lat:percentile(99), lat.max,',
    '    e.connect + e.read + e.write + e.status + e.timeout, e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  );
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = [
    `-t${o.threads ?? 1}`,
    `-c${o.connections}`,
    `-d${o.seconds}s`,
    '--timeout',
    '5s',
    '-s',
    script,
    o.url,
  ];
  const [file, argv] =
    o.cpu !== undefined && canPin ? ['taskset', ['-c', o.cpu, 'wrk', ...args]] : ['wrk', args];
  return new Promise<WrkResult>((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 20) * 1000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) {
        reject(new Error(`wrk failed (${code}): ${out.trim().slice(0, 400)}`));
        return;
      }
      const r = JSON.parse(line.slice(8)) as {
        requests: number;
        us: number;
        mean: number;
        p50: number;
        p90: number;
        p99: number;
        max: number;
        errors: number;
        kinds: string;
      };
      const seconds = r.us / 1e6;
      resolve({
        requests: r.requests,
        seconds,
        rps: r.requests / seconds,
        mean: r.mean / 1000,
        p50: r.p50 / 1000,
        p90: r.p90 / 1000,
        p99: r.p99 / 1000,
        max: r.max / 1000,
        errors: r.errors,
        errorKinds: r.kinds,
      });
    });
  });
}
