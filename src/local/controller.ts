/**
 * The embedded controller: input files → deployments → Mappings → a route
 * table and desired units → supervised processes. One reconcile at a time;
 * a request during a reconcile supersedes it (its readiness wait is cut
 * short) and another pass runs. A new table is swapped in only once every
 * unit it newly needs is ready, so requests never reach a predictor that
 * cannot answer yet; units no longer wanted leave after the swap (drain,
 * then stop).
 */
import type { Mapping } from '../ambassador/mapping.js';
import type { DeploymentSpec } from '../api/deployment-spec.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { RouteTable } from '../routing/route-table.js';
import { desiredUnits, type ServiceNaming } from './desired-units.js';
import { mergeLastGood } from './last-good.js';
import { planChanges } from './plan-changes.js';
import { routedUnits } from './routed-units.js';
import type { Supervisor } from './supervisor.js';
import { instanceKey, type Unit } from './unit.js';

export interface LoadResult {
  specs: DeploymentSpec[];
  /** Mappings written by hand in the input files, routed like generated ones. */
  mappings?: Mapping[];
  diagnostics: Diagnostic[];
  /** Files to hold at their last good version though they load no error (read empty: a write in progress). */
  heldFiles?: string[];
}

/** The pure compile steps, injected so the controller is testable without them. */
export interface Pipeline {
  load(paths: readonly string[]): Promise<LoadResult>;
  /** `included`: the deployments that compiled (the others are left out, with diagnostics). */
  compile(specs: readonly DeploymentSpec[]): {
    mappings: Mapping[];
    diagnostics: Diagnostic[];
    included: DeploymentSpec[];
  };
  buildTable(mappings: readonly Mapping[]): RouteTable;
  naming: ServiceNaming;
}

export type ControllerEvent =
  | { event: 'reconcile-start'; generation: number }
  | { event: 'diagnostics'; generation: number; diagnostics: Diagnostic[]; keptFiles: string[] }
  | { event: 'units-planned'; generation: number; start: Unit[]; stop: string[]; keep: number }
  | { event: 'waiting'; generation: number; units: string[] }
  | { event: 'not-ready'; generation: number; units: string[] }
  | { event: 'table'; generation: number; table: RouteTable; specs: DeploymentSpec[] }
  | { event: 'superseded'; generation: number }
  | { event: 'reconcile-failed'; generation: number; message: string };

export interface ControllerOptions {
  paths: readonly string[];
  pipeline: Pipeline;
  supervisor: Supervisor;
  /** The data plane: called with each new table, atomically swapped in. */
  setTable: (table: RouteTable) => void;
  onEvent?: (e: ControllerEvent) => void;
  /** How long a reconcile waits for new units before swapping anyway (reported). */
  readyTimeoutMs?: number;
}

export interface ControllerState {
  generation: number;
  /** Generation of the table serving now; 0 = none yet. */
  servingGeneration: number;
  specs: DeploymentSpec[];
  table: RouteTable | undefined;
  diagnostics: Diagnostic[];
  keptFiles: string[];
  /** A reconcile is in progress (e.g. waiting for new units). */
  busy: boolean;
}

export class Controller {
  readonly #o: ControllerOptions;
  #lastGood = new Map<string, DeploymentSpec[]>();
  #state: ControllerState = {
    generation: 0,
    servingGeneration: 0,
    specs: [],
    table: undefined,
    diagnostics: [],
    keptFiles: [],
    busy: false,
  };
  #dirty = false;
  #running: Promise<void> | undefined;
  #supersede: (() => void) | undefined;
  #closed = false;
  #desired: Unit[] = [];
  /** Instances the serving table counts on. */
  #servingKeys = new Set<string>();
  /** Instances the reconcile in progress is bringing up (not to be retired meanwhile). */
  #comingKeys = new Set<string>();

  constructor(opts: ControllerOptions) {
    this.#o = opts;
  }

  get state(): Readonly<ControllerState> {
    return this.#state;
  }

  /** unit id → the content hash the latest plan wants it to run. */
  desiredHashes(): Map<string, string> {
    return new Map(this.#desired.map((u) => [u.id, u.hash]));
  }

  /** Asks for a reconcile; resolves when no reconcile is pending any more. */
  request(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#dirty = true;
    this.#supersede?.();
    if (!this.#running) {
      this.#running = this.#loop().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  /** No more reconciles; waits for the current one to give up. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#supersede?.();
    await this.#running;
  }

  async #loop(): Promise<void> {
    this.#state.busy = true;
    try {
      while (this.#dirty && !this.#closed) {
        this.#dirty = false;
        const generation = this.#state.generation + 1;
        this.#state.generation = generation;
        try {
          await this.#reconcile(generation);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.#o.onEvent?.({ event: 'reconcile-failed', generation, message });
          this.#state = {
            ...this.#state,
            diagnostics: [
              ...this.#state.diagnostics.filter((d) => d.code !== 'SDEP_LOCAL_RECONCILE_FAILED'),
              {
                code: 'SDEP_LOCAL_RECONCILE_FAILED',
                severity: 'error',
                resource: this.#o.paths.join(' '),
                path: '',
                message,
              },
            ],
          };
        }
      }
    } finally {
      this.#state.busy = false;
    }
  }

  async #reconcile(generation: number): Promise<void> {
    const { pipeline, supervisor } = this.#o;
    const emit = (e: ControllerEvent) => this.#o.onEvent?.(e);
    emit({ event: 'reconcile-start', generation });
    const loaded = await pipeline.load(this.#o.paths);
    // compile errors count like load errors: a file that stops compiling keeps its last good version
    const first = pipeline.compile(loaded.specs);
    const merged = mergeLastGood(
      loaded.specs,
      [...loaded.diagnostics, ...first.diagnostics],
      this.#lastGood,
      new Set(loaded.heldFiles ?? []),
    );
    const compiled = merged.keptFiles.length > 0 ? pipeline.compile(merged.specs) : first;
    const table = pipeline.buildTable([...compiled.mappings, ...(loaded.mappings ?? [])]);
    const diagnostics = [...loaded.diagnostics, ...first.diagnostics, ...table.diagnostics];
    emit({ event: 'diagnostics', generation, diagnostics, keptFiles: merged.keptFiles });

    // deployments left out by the compiler run no units either, nor predictors no route of ours reaches
    const desired = routedUnits(desiredUnits(compiled.included, pipeline.naming), table);
    this.#desired = desired;
    const plan = planChanges(supervisor.running(), desired);
    emit({
      event: 'units-planned',
      generation,
      start: plan.start,
      stop: plan.stop.map((r) => r.key),
      keep: plan.keep.length,
    });
    this.#comingKeys = new Set(desired.map(instanceKey));
    await Promise.all(plan.start.map((u) => supervisor.start(u)));

    // wait only for units the serving table does not already count on (a crash-looping
    // unit that was serving before must not hold back, say, a weight change)
    const pending = desired
      .map(instanceKey)
      .filter((k) => !supervisor.isReady(k) && !this.#servingKeys.has(k));
    if (pending.length > 0) {
      emit({ event: 'waiting', generation, units: pending });
      let superseded = false;
      const cut = new Promise<void>((resolve) => {
        this.#supersede = () => {
          superseded = true;
          resolve();
        };
      });
      const timeout = this.#o.readyTimeoutMs ?? 60_000;
      await Promise.race([Promise.all(pending.map((k) => supervisor.whenReady(k, timeout))), cut]);
      this.#supersede = undefined;
      if (superseded) {
        // the next pass plans again from what is running now (including what this one started)
        emit({ event: 'superseded', generation });
        return;
      }
      const still = pending.filter((k) => !supervisor.isReady(k));
      if (still.length > 0) {
        emit({ event: 'not-ready', generation, units: still });
        diagnostics.push({
          code: 'SDEP_LOCAL_UNITS_NOT_READY',
          severity: 'warning',
          resource: still.join(', '),
          path: '',
          message: 'not ready in time (crashing or slow to load); routing to them answers 503 until they are',
        });
      }
    }

    this.#o.setTable(table);
    this.#lastGood = merged.lastGood;
    this.#state = {
      ...this.#state,
      servingGeneration: generation,
      specs: compiled.included,
      table,
      diagnostics,
      keptFiles: merged.keptFiles,
    };
    emit({ event: 'table', generation, table, specs: compiled.included });
    this.#servingKeys = new Set(desired.map(instanceKey));
    this.#comingKeys = new Set();
    await this.retire();
  }

  /**
   * Stops what the serving table no longer needs (removed predictors, scaled-down replicas,
   * old hashes), except an old instance whose replacement is not ready yet while it still
   * serves: as a rolling update with maxUnavailable 0. Call again when readiness changes.
   */
  async retire(): Promise<void> {
    const { supervisor } = this.#o;
    if (this.#state.servingGeneration === 0) return;
    const wanted = new Set([...this.#servingKeys, ...this.#comingKeys]);
    const running = supervisor.running();
    const replacementReady = new Map<string, boolean>();
    for (const r of running) {
      if (wanted.has(r.key))
        replacementReady.set(r.id, (replacementReady.get(r.id) ?? true) && supervisor.isReady(r.key));
    }
    const stale = running.filter(
      (r) => !wanted.has(r.key) && !(supervisor.isReady(r.key) && replacementReady.get(r.id) === false),
    );
    await Promise.all(stale.map((r) => supervisor.stop(r.key)));
  }
}
