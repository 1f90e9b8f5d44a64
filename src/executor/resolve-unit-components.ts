/**
 * Builds a unit's component clients from each graph node's plan
 * (component-plan.ts): built-ins in this process, remote components,
 * container processes; an unrunnable node is a clear error naming it.
 */
import { isAbsolute, resolve } from 'node:path';
import type { GraphNode, PredictorSpec } from '../api/deployment-spec.js';
import { SdepError } from '../core/sdep-error.js';
import { type BuiltinOptions, createBuiltinComponent } from '../runtime/builtin-components.js';
import type { Component, ComponentParameters } from '../runtime/component.js';
import { MockClassifier } from '../runtime/mock-classifier.js';
import { checkInsideRoots, localPathOf } from './allowed-roots.js';
import type { ComponentClient } from './component-client.js';
import { planComponent } from './component-plan.js';
import { type ContainerProcess, startContainerProcess } from './container-process.js';
import { type DeferredClient, deferredClient } from './deferred-client.js';
import { inProcessClient } from './in-process-client.js';
import { restComponentClient } from './rest-client.js';

export type BuiltinFactory = (
  implementation: string,
  params: ComponentParameters,
  opts: BuiltinOptions,
) => Component | Promise<Component> | undefined;

export interface UnitComponentOptions {
  /** Folder relative container paths resolve against (the deployment file's folder). */
  baseDir?: string;
  /** Creates built-in components by implementation name (default: the runtime's built-ins). */
  createBuiltin?: BuiltinFactory;
  /** Container process output lines. */
  onContainerOutput?: (container: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** How long a container process may take to answer /health/ping. */
  containerStartTimeoutMs?: number;
  /** When set, local model paths and container paths must lie inside these (see allowed-roots.ts). */
  allowedRoots?: readonly string[];
}

export interface UnitComponents {
  resolve(node: GraphNode): ComponentClient;
  /** Resolves when every component has loaded; rejects with the first failure. */
  ready: Promise<void>;
  isReady(): boolean;
  /** Container processes started for this unit (for logs and tests). */
  processes(): readonly ContainerProcess[];
  close(): Promise<void>;
}

function allNodes(node: GraphNode, out: GraphNode[] = []): GraphNode[] {
  out.push(node);
  for (const c of node.children) allNodes(c, out);
  return out;
}

function paramsOf(node: GraphNode): ComponentParameters {
  const out: ComponentParameters = {};
  for (const p of node.parameters) out[p.name] = p.parsed;
  return out;
}

/** A relative local path in modelUri is relative to the deployment file, like container paths. */
function resolveModelUri(uri: string, baseDir: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || isAbsolute(uri)) return uri;
  return resolve(baseDir, uri);
}

async function loadComponent(c: Component | Promise<Component>): Promise<Component> {
  const component = await c;
  await component.load?.();
  return component;
}

export function resolveUnitComponents(
  predictor: PredictorSpec,
  opts: UnitComponentOptions = {},
): UnitComponents {
  const clients = new Map<string, ComponentClient>();
  const pending: DeferredClient[] = [];
  const closers: (() => Promise<void>)[] = [];
  const procs: ContainerProcess[] = [];
  const baseDir = opts.baseDir ?? process.cwd();
  const roots = opts.allowedRoots;
  let closed = false;

  const inProcess = (node: GraphNode, label: string, make: () => Component | Promise<Component>) => {
    const loading = (async () => inProcessClient(await loadComponent(make()), node, label))();
    const d = deferredClient('in-process', label, loading);
    pending.push(d);
    return d;
  };

  for (const node of allNodes(predictor.graph)) {
    const plan = planComponent(predictor, node);
    let client: ComponentClient;
    if (roots !== undefined) {
      // modelUri, or the model_uri / modelUri parameter some servers read instead
      const params = paramsOf(node);
      for (const [what, uri] of [
        ['modelUri', node.modelUri],
        ['parameter model_uri', params.model_uri],
        ['parameter modelUri', params.modelUri],
      ] as const) {
        if (typeof uri !== 'string' || uri === '') continue;
        const local = localPathOf(uri, baseDir);
        if (local !== undefined) checkInsideRoots(`node '${node.name}': ${what}`, local, roots);
      }
    }
    if (plan.kind === 'builtin') {
      const impl = plan.implementation;
      const create = opts.createBuiltin ?? createBuiltinComponent;
      const builtinOpts: BuiltinOptions = node.modelUri
        ? { modelUri: resolveModelUri(node.modelUri, baseDir) }
        : {};
      client = inProcess(node, impl, async () => {
        const c = await create(impl, paramsOf(node), builtinOpts);
        if (!c) {
          throw new SdepError(
            'SDEP_CONTAINER_NOT_RUNNABLE',
            `node '${node.name}': implementation ${impl} has no built-in server in sdep; run it as a container with a command instead`,
            { status: 500 },
          );
        }
        return c;
      });
    } else if (plan.kind === 'remote') {
      const { host, port } = plan;
      const label = plan.container?.image ?? `${host}:${port}`;
      if (plan.transport === 'GRPC') {
        // grpc-js (8 MB resident) loads only in units whose graph calls a gRPC component
        const loading = import('./grpc-client.js').then((m) =>
          m.grpcComponentClient({ host, port, label, type: node.type }),
        );
        closers.push(async () => (await loading).close());
        const d = deferredClient('grpc', label, loading);
        pending.push(d);
        client = d;
      } else {
        const remote = restComponentClient({ host, port, label });
        closers.push(() => remote.close());
        client = remote;
      }
    } else if (plan.kind === 'mock') {
      client = inProcess(node, plan.image, () => new MockClassifier());
    } else if (plan.kind === 'process') {
      const c = plan.container;
      const label = c.image ?? c.command?.join(' ') ?? c.name;
      if (roots !== undefined) {
        const cwd = c.workingDir ? resolve(baseDir, c.workingDir) : baseDir;
        checkInsideRoots(`container '${c.name}': workingDir`, cwd, roots);
        const exe = c.command?.[0] ?? '';
        // a path (not a bare name looked up on PATH, nor sdep itself) must be inside the roots
        if (exe !== 'sdep' && /[/\\]/.test(exe))
          checkInsideRoots(`container '${c.name}': command`, resolve(cwd, exe), roots);
      }
      const loading = (async () => {
        const proc = await startContainerProcess({
          container: c,
          node,
          defaultCwd: baseDir,
          ...(opts.containerStartTimeoutMs ? { startTimeoutMs: opts.containerStartTimeoutMs } : {}),
          onOutput: (line, stream) => opts.onContainerOutput?.(c.name, line, stream),
        });
        procs.push(proc);
        closers.push(() => proc.stop());
        if (closed) {
          await proc.stop();
          throw new Error('unit closed while the container was starting');
        }
        await proc.ready;
        const rest = restComponentClient({ host: proc.host, port: proc.httpPort, label });
        closers.push(() => rest.close());
        return rest;
      })();
      const d = deferredClient('rest', label, loading);
      pending.push(d);
      client = d;
    } else {
      throw new SdepError('SDEP_CONTAINER_NOT_RUNNABLE', plan.message, { status: 500 });
    }
    clients.set(node.name, client);
  }

  const ready = Promise.all(pending.map((d) => d.loaded)).then(() => undefined);
  ready.catch(() => {});

  return {
    resolve(node) {
      const c = clients.get(node.name);
      if (!c) throw new Error(`no component resolved for node '${node.name}'`);
      return c;
    },
    ready,
    isReady: () => pending.every((d) => d.isLoaded()),
    processes: () => procs,
    async close() {
      // A process still being spawned sees `closed` and stops itself.
      closed = true;
      await Promise.allSettled(closers.reverse().map((c) => c()));
    },
  };
}
