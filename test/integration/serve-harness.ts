/**
 * Starts `sdep serve` as a real process (its own process group, ephemeral
 * ports, `--log-format json`) and follows its events; shared by the serve
 * end-to-end tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { selfCommand } from '../../src/cli/self-command.js';
import type { StatusDocument } from '../../src/local/index.js';
import { metricSum } from '../fixtures/prometheus-text.js';

export const SEED_BODY = '{"data":{"names":["a","b"],"tensor":{"shape":[2,2],"values":[0,0,1,1]}}}';
export const START_TIMEOUT_MS = 150_000;

export interface ServeEvent {
  event: string;
  [k: string]: unknown;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
}

export interface ServeHarness {
  proc: ChildProcess;
  gateway: string;
  admin: string;
  events: ServeEvent[];
  /** The next event matching `match` (including ones already seen after index `from`). */
  nextEvent(match: (e: ServeEvent) => boolean, timeoutMs: number, from?: number): Promise<ServeEvent>;
  status(): Promise<StatusDocument>;
  predict(path: string, body?: string, headers?: Record<string, string>): Promise<Reply>;
  /** SIGKILLs the whole process group if it is still running. */
  kill(): void;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function unitPids(doc: StatusDocument): number[] {
  return doc.deployments.flatMap((d) =>
    d.predictors.flatMap((p) => p.units.flatMap((u) => (u.pid === null ? [] : [u.pid]))),
  );
}

/** Which image answered: requestPath names the image of the predictor's classifier. */
export function imageOf(json: unknown): string {
  return (json as { meta?: { requestPath?: Record<string, string> } }).meta?.requestPath?.classifier ?? '?';
}

export async function startServe(
  paths: string[],
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServeHarness> {
  const cmd = selfCommand([
    'serve',
    ...paths,
    '--port',
    '0',
    '--admin-port',
    '0',
    '--log-format',
    'json',
    ...extraArgs,
  ]);
  const proc = spawn(cmd.command, cmd.args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env });
  const events: ServeEvent[] = [];
  const waiters: { match: (e: ServeEvent) => boolean; resolve: (e: ServeEvent) => void }[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    let e: ServeEvent;
    try {
      e = JSON.parse(line) as ServeEvent;
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  const nextEvent = (match: (e: ServeEvent) => boolean, timeoutMs: number, from = 0): Promise<ServeEvent> => {
    const seen = events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a serve event')), timeoutMs);
      waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  };
  const kill = () => {
    if (proc.pid && proc.exitCode === null && proc.signalCode === null) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {}
    }
  };
  let ready: ServeEvent;
  try {
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`sdep serve exited before it was ready (${code})`))),
    );
    exited.catch(() => {});
    ready = await Promise.race([nextEvent((e) => e.event === 'ready', START_TIMEOUT_MS), exited]);
  } catch (err) {
    kill();
    throw err;
  }
  const gateway = `http://127.0.0.1:${ready.http}`;
  const admin = `http://127.0.0.1:${ready.admin}`;
  return {
    proc,
    gateway,
    admin,
    events,
    nextEvent,
    kill,
    async status() {
      return (await (await fetch(`${admin}/sdep/v1/status`)).json()) as StatusDocument;
    },
    async predict(path, body = SEED_BODY, headers = {}) {
      const res = await fetch(`${gateway}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, headers: res.headers, json };
    },
  };
}

/** Polls `read` every 50 ms until it gives at least `want` or `ms` pass; its last value. */
export async function waitAtLeast(read: () => Promise<number>, want: number, ms = 5000): Promise<number> {
  const deadline = Date.now() + ms;
  let v = await read();
  while (v < want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}

/** A reader of how many predictions the first unit of `deployment`/`predictor` has answered (its own /metrics). */
export async function unitPredictionCount(
  h: ServeHarness,
  deployment: string,
  predictor: string,
): Promise<() => Promise<number>> {
  const unit = (await h.status()).deployments
    .find((d) => d.name === deployment)
    ?.predictors.find((p) => p.name === predictor)?.units[0];
  if (!unit?.http) throw new Error(`${deployment}/${predictor} has no ready unit with a port`);
  const url = `http://127.0.0.1:${unit.http}/metrics`;
  return () =>
    metricSum(url, 'seldon_api_executor_server_requests_seconds_count', (l) => l.includes('predictions'));
}
