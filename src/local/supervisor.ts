/**
 * Supervisor: keeps unit processes running. Each instance (unit id + content
 * hash) is spawned from a file written for it in serve's own temp dir (by
 * default a JSON copy of its resource; `sdep serve` writes a unit spec),
 * joins the ready set only after GET /ready answers 200, leaves it at once
 * when it exits, and is restarted with exponential back-off. Stopping an
 * instance takes it out of the ready set first, lets in-flight requests
 * drain, then SIGTERM, then SIGKILL. Every process runs in its own process
 * group and is killed as a group, so nothing outlives serve.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, nextAttempt } from './backoff.js';
import { waitReady } from './readiness.js';
import { instanceKey, type Unit } from './unit.js';
import {
  type ExitInfo,
  type LaunchCommand,
  spawnUnitProcess,
  type UnitPorts,
  type UnitProcess,
} from './unit-process.js';

export type InstanceState = 'starting' | 'ready' | 'backoff' | 'stopping';

export type SupervisorEvent =
  | { event: 'unit-starting'; id: string; key: string; attempt: number }
  | { event: 'unit-listening'; id: string; key: string; pid: number; http: number; grpc: number }
  | { event: 'unit-ready'; id: string; key: string; pid: number; http: number; grpc: number; ms: number }
  | { event: 'unit-slow'; id: string; key: string; ms: number }
  | { event: 'unit-exited'; id: string; key: string; pid: number; code: number | null; signal: string | null }
  | { event: 'unit-restarting'; id: string; key: string; delayMs: number; restarts: number }
  | { event: 'unit-stopped'; id: string; key: string }
  | { event: 'unit-log'; id: string; stream: 'stdout' | 'stderr'; line: string };

export interface SupervisorOptions {
  /** The command that runs a unit from its file. */
  launcher: (unit: Unit, file: string) => LaunchCommand;
  /** The text of that file (default: the unit's resource as JSON); `file` is where it will be. */
  unitFile?: (unit: Unit, file: string) => string;
  /** Serve's own temp dir: unit files live here, so edits to the user's files cannot reach a unit. */
  workDir: string;
  onEvent?: (e: SupervisorEvent) => void;
  backoff?: BackoffPolicy;
  /** After leaving the ready set, before SIGTERM: requests already routed here finish. */
  drainMs?: number;
  /** SIGKILL when a unit has not exited this long after SIGTERM. */
  killAfterMs?: number;
  /** Report a unit as slow when not ready after this long (it keeps being polled). */
  slowAfterMs?: number;
  now?: () => number;
  /** Told about every unit process group as it starts and ends (the orphan reaper). */
  processGroups?: { add(pgid: number): void; remove(pgid: number): void };
}

export interface InstanceStatus {
  key: string;
  id: string;
  hash: string;
  namespace: string;
  deployment: string;
  predictor: string;
  replica: number;
  state: InstanceState;
  ready: boolean;
  pid: number | null;
  http: number | null;
  grpc: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
}

interface Instance {
  key: string;
  unit: Unit;
  file: string;
  state: InstanceState;
  proc: UnitProcess | undefined;
  ports: UnitPorts | undefined;
  restarts: number;
  launches: number;
  /** Consecutive short-lived runs: drives the back-off. */
  crashes: number;
  startedAt: number;
  lastExit: InstanceStatus['lastExit'];
  timer: NodeJS.Timeout | undefined;
  waiters: Set<(ready: boolean) => void>;
}

function fileNameFor(key: string): string {
  return `${key.replace(/[^A-Za-z0-9_.-]+/g, '_')}.json`;
}

export class Supervisor {
  readonly #opts: Required<Omit<SupervisorOptions, 'onEvent' | 'processGroups' | 'unitFile'>> &
    Pick<SupervisorOptions, 'onEvent' | 'processGroups' | 'unitFile'>;
  readonly #instances = new Map<string, Instance>();
  readonly #listeners = new Set<() => void>();
  #closed = false;

  constructor(opts: SupervisorOptions) {
    this.#opts = {
      backoff: DEFAULT_BACKOFF,
      drainMs: 500,
      killAfterMs: 10_000,
      slowAfterMs: 30_000,
      now: Date.now,
      ...opts,
    };
  }

  /** Starts an instance of `unit` (no-op when the same id+hash already runs). */
  async start(unit: Unit): Promise<void> {
    if (this.#closed) return;
    const key = instanceKey(unit);
    if (this.#instances.has(key)) return;
    const file = join(this.#opts.workDir, fileNameFor(key));
    const inst: Instance = {
      key,
      unit,
      file,
      state: 'starting',
      proc: undefined,
      ports: undefined,
      restarts: 0,
      launches: 0,
      crashes: 0,
      startedAt: 0,
      lastExit: null,
      timer: undefined,
      waiters: new Set(),
    };
    this.#instances.set(key, inst);
    await writeFile(file, this.#opts.unitFile?.(unit, file) ?? `${JSON.stringify(unit.resource, null, 2)}\n`);
    this.#launch(inst);
  }

  isReady(key: string): boolean {
    return this.#instances.get(key)?.state === 'ready';
  }

  /** Resolves true when the instance is ready, false on timeout or when it is stopped. */
  whenReady(key: string, timeoutMs: number): Promise<boolean> {
    const inst = this.#instances.get(key);
    if (!inst) return Promise.resolve(false);
    if (inst.state === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        inst.waiters.delete(done);
        resolve(ready);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      inst.waiters.add(done);
    });
  }

  /** Leave the ready set, drain, SIGTERM, SIGKILL after a timeout; forget the instance. */
  async stop(key: string): Promise<void> {
    const inst = this.#instances.get(key);
    if (!inst || inst.state === 'stopping') return;
    const wasReady = inst.state === 'ready';
    inst.state = 'stopping';
    clearTimeout(inst.timer);
    for (const w of [...inst.waiters]) w(false);
    if (wasReady) {
      this.#changed();
      await new Promise((r) => setTimeout(r, this.#opts.drainMs));
    }
    if (inst.proc && !inst.proc.hasExited()) await inst.proc.terminate(this.#opts.killAfterMs);
    this.#instances.delete(key);
    await rm(inst.file, { force: true });
    this.#emit({ event: 'unit-stopped', id: inst.unit.id, key });
  }

  /** Stops every instance in parallel; no new starts afterwards. */
  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#instances.keys()].map((k) => this.stop(k)));
  }

  /** Last resort (uncaught error, exit): SIGKILL every process group now, synchronously. */
  killAllNow(): void {
    this.#closed = true;
    for (const inst of this.#instances.values()) {
      clearTimeout(inst.timer);
      inst.proc?.killNow();
    }
  }

  /** PIDs of live unit processes (each the leader of its process group). */
  pids(): number[] {
    const out: number[] = [];
    for (const inst of this.#instances.values()) {
      if (inst.proc && !inst.proc.hasExited()) out.push(inst.proc.pid);
    }
    return out;
  }

  /** Ready instances with their ports, in a stable order (unit id, then key). */
  ready(): { unit: Unit; ports: UnitPorts }[] {
    const out: { unit: Unit; ports: UnitPorts }[] = [];
    for (const inst of this.#instances.values()) {
      if (inst.state === 'ready' && inst.ports) out.push({ unit: inst.unit, ports: inst.ports });
    }
    return out.sort((a, b) => (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : 0));
  }

  status(): InstanceStatus[] {
    return [...this.#instances.values()]
      .map((i) => ({
        key: i.key,
        id: i.unit.id,
        hash: i.unit.hash,
        namespace: i.unit.namespace,
        deployment: i.unit.deployment,
        predictor: i.unit.predictor,
        replica: i.unit.replica,
        state: i.state,
        ready: i.state === 'ready',
        pid: i.proc && !i.proc.hasExited() ? i.proc.pid : null,
        http: i.state === 'ready' ? (i.ports?.http ?? null) : null,
        grpc: i.state === 'ready' ? (i.ports?.grpc ?? null) : null,
        restarts: i.restarts,
        lastExit: i.lastExit,
      }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  /** Running instances as planChanges sees them. */
  running(): { id: string; hash: string; key: string }[] {
    return [...this.#instances.values()]
      .filter((i) => i.state !== 'stopping')
      .map((i) => ({ id: i.unit.id, hash: i.unit.hash, key: i.key }));
  }

  /** Called whenever the ready set changes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(e: SupervisorEvent): void {
    this.#opts.onEvent?.(e);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  #launch(inst: Instance): void {
    if (this.#closed || inst.state === 'stopping') return;
    const { unit, key } = inst;
    inst.launches += 1;
    inst.state = 'starting';
    inst.ports = undefined;
    inst.startedAt = this.#opts.now();
    this.#emit({ event: 'unit-starting', id: unit.id, key, attempt: inst.launches });
    const proc = spawnUnitProcess(this.#opts.launcher(unit, inst.file), (stream, line) =>
      this.#emit({ event: 'unit-log', id: unit.id, stream, line }),
    );
    inst.proc = proc;
    if (proc.pid > 0) this.#opts.processGroups?.add(proc.pid);
    void proc.exited.then((e) => {
      if (proc.pid > 0) this.#opts.processGroups?.remove(proc.pid);
      this.#onExit(inst, proc, e);
    });
    void proc.listening.then(
      async (ports) => {
        if (inst.proc !== proc || inst.state === 'stopping') return;
        inst.ports = ports;
        this.#emit({ event: 'unit-listening', id: unit.id, key, pid: proc.pid, ...ports });
        const cancelled = () => inst.proc !== proc || proc.hasExited() || inst.state === 'stopping';
        let ready = await waitReady(ports.http, { timeoutMs: this.#opts.slowAfterMs, cancelled });
        if (!ready && !cancelled()) {
          this.#emit({ event: 'unit-slow', id: unit.id, key, ms: this.#opts.now() - inst.startedAt });
          ready = await waitReady(ports.http, { timeoutMs: Number.MAX_SAFE_INTEGER, cancelled });
        }
        if (!ready || cancelled()) return;
        inst.state = 'ready';
        this.#emit({
          event: 'unit-ready',
          id: unit.id,
          key,
          pid: proc.pid,
          ...ports,
          ms: this.#opts.now() - inst.startedAt,
        });
        this.#changed();
        for (const w of [...inst.waiters]) w(true);
      },
      () => {},
    );
  }

  #onExit(inst: Instance, proc: UnitProcess, e: ExitInfo): void {
    if (inst.proc !== proc) return;
    // the unit is gone, but container processes in its group may not be
    proc.killNow();
    const wasReady = inst.state === 'ready';
    inst.lastExit = { code: e.code, signal: e.signal, at: this.#opts.now() };
    if (inst.state === 'stopping' || this.#closed) return;
    this.#emit({
      event: 'unit-exited',
      id: inst.unit.id,
      key: inst.key,
      pid: proc.pid,
      code: e.code,
      signal: e.signal,
    });
    inst.state = 'backoff';
    inst.ports = undefined;
    // whoever waits for this instance learns now that it is not coming up soon
    for (const w of [...inst.waiters]) w(false);
    if (wasReady) this.#changed();
    const ran = this.#opts.now() - inst.startedAt;
    inst.crashes = nextAttempt(inst.crashes, ran, this.#opts.backoff);
    const delayMs = backoffDelay(inst.crashes, this.#opts.backoff);
    inst.restarts += 1;
    this.#emit({
      event: 'unit-restarting',
      id: inst.unit.id,
      key: inst.key,
      delayMs,
      restarts: inst.restarts,
    });
    inst.timer = setTimeout(() => this.#launch(inst), delayMs);
  }
}
